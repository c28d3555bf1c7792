package detect

import (
	"reflect"
	"testing"

	"fullqa/internal/classify"
)

// loudClasses is a KeywordUser that, registered after every detector,
// makes the engine keep the hits of every class, the AddPresence ones
// included: the engine as it was before quiet classes.
type loudClasses struct{}

func (loudClasses) RegisterKeywords(k *Keywords) error {
	for c := range k.hits {
		k.hits[c] = true
	}
	return nil
}

// TestQuietClassesUnread holds the rule AddPresence relies on — no
// detector reads the hits of a class registered only for presence — by
// running every detector (emotion model on) with quiet classes and with
// every class keeping its hits, over the table tests' chats and, when
// ../shared is there, the JDDC sample: the findings, tags, emotions and
// ending must be the same. A detector that walks or asks First of a quiet
// class finds nothing in the quiet engine and so differs here.
func TestQuietClassesUnread(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo)
	if err != nil {
		t.Fatal(err)
	}
	loud, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo, loudClasses{})
	if err != nil {
		t.Fatal(err)
	}
	nQuiet := 0
	for _, h := range quiet.keywords.hits {
		if !h {
			nQuiet++
		}
	}
	if nQuiet == 0 {
		t.Fatal("no quiet class: the test compares nothing")
	}
	for _, h := range loud.keywords.hits {
		if !h {
			t.Fatal("loudClasses left a class quiet")
		}
	}
	convs := gateChats(t)
	findings := 0
	for _, c := range convs {
		_, got := quiet.Inspect(c, &Scratch{})
		_, want := loud.Inspect(c, &Scratch{})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: quiet classes change the output:\nquiet %+v\nloud  %+v", c.ID, got, want)
		}
		findings += len(got.Findings)
	}
	t.Logf("%d quiet classes, %d conversations, %d findings", nQuiet, len(convs), findings)
}
