#!/bin/sh
# Runs the property harness of issue 11 for longer than `go test` does:
# every detector, the engine and --redact over random and fuzzed
# conversations, each with a deadline, failing on a hang, a panic, a
# message number out of range or evidence that is not valid UTF-8.
#
#   scripts/fuzz.sh            # 10 minutes of fuzzing + 20,000 random conversations
#   FUZZTIME=1h N=200000 scripts/fuzz.sh
#
# It also fuzzes the hot path's hand-written code against what it stands
# for, a minute each: the JSON Lines decoder and its RFC 3339 reader
# against encoding/json and ParseTime, ParseTime's "2006-01-02 15:04:05"
# shortcut against its layouts, the table reader's rows kept unencoded
# against encoding every row, its trimSpace and trimBytes against
# strings.TrimSpace and bytes.TrimSpace,
# the CSV reader (rows cut on the reading goroutine, parsed on the
# workers) against the table reader, its record cutter against
# encoding/csv, every reader that marks its texts valid against invalid
# bytes, text.ValidUTF8 (the readers' and the engine's) against the library, the
# result encoder's strings and floats against encoding/json byte for
# byte, the scorecard's code index (score.Sheet) against
# Scorecard.Apply, the customer-day key against hashing the string it
# stands for, and the learned scorers'
# feature shortcuts, the loop detector's content scan (and its placeholder
# shortcut against dataToken), answer check and
# emoticon-only test,
# the filler test, the evidence's UTF-8 check, the digit-run test, the
# promise rules' shortcuts (backChars, negBefore, numberBefore, the word
# finder, the conflict state's first messages), the promise scorer's
# early stop and n-gram step sums against the trainer's view, the scorers' slot hash, the blank-message test,
# the emotion model's Chinese runs, n-gram buckets and softmax, and the
# normalizer's Chinese runs against their reference loops; and (eighth
# session) the JSON decoder's string scan, canonical-message path, time
# reader and time difference, the result encoder's constant parts, the
# promise reader's pass, the weights' sparse tables, the n-gram rows, the
# tokenizer's shortcuts, clip's character count, RuneOffset and the
# normalizer against the loops they replaced (and, tenth session, its
# plain start after any buffer: FuzzAppendPlain); and the across topics read
# from the messages the engine's scan holds a topic word in against
# reading every message (FuzzTopicsOf), with the proof it rests on
# (FuzzNormalizeKeeps: a word text.NormalizeKeeps takes survives
# normalizing); the line reader's next after hasLine (the line end it
# found, kept) against next alone (FuzzLineReaderHasLine); and findings'
# Data against the map[string]any it stands for, in every encoding and
# read (FuzzDataMatchesMap), and its JSON Lines writer against
# encoding/json (FuzzAppendData); text.TrimSpace, which evidence quotes
# and clip trim with, against strings.TrimSpace (FuzzTrimSpace); the
# findings' sort by first message against slices.SortStableFunc
# (FuzzSortFindings), the topics' sort against slices.SortFunc
# (FuzzSortTopics) and the contact's first and last times against
# Before and After (FuzzTimeSpan).
#
# A failing fuzz input is written to internal/scan/testdata/fuzz/FuzzScan/
# and from then on runs in every `go test ./...`.
set -eu
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10m}
N=${N:-20000}
SEED=${SEED:-$(date +%s)}
echo "== random conversations: N=$N seed=$SEED"
FULLQA_HARNESS_N=$N FULLQA_HARNESS_SEED=$SEED go test ./internal/scan/ -run '^TestScanAdversarial$' -count=1 -timeout 0
echo "== fuzzing FuzzScan for $FUZZTIME"
go test ./internal/scan/ -run '^$' -fuzz '^FuzzScan$' -fuzztime "$FUZZTIME" -timeout 0
for f in FuzzJSONL FuzzJDDC FuzzCSV FuzzTWCS FuzzFastJSON FuzzRFC3339 FuzzParseTime FuzzTableRaw FuzzTrimSpace \
	FuzzCSVRows FuzzCSVCutter FuzzScanString FuzzCJK2 FuzzMessageCanon FuzzRFC3339Before FuzzWallSub FuzzReadersTextValid FuzzLineReaderHasLine FuzzLooksUTF8; do
	echo "== fuzzing ingest $f for 1m"
	go test ./internal/ingest/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
for f in FuzzAppendStringBytes FuzzSafeCJK2 FuzzAppendFloat FuzzAppendJSONResultParts FuzzAppendData FuzzAppendValidString; do
	echo "== fuzzing report $f for 1m"
	go test ./internal/report/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
for f in FuzzContentAtLeast FuzzFillerOnly FuzzTailGrams FuzzNegGrams FuzzNegProb FuzzNegRunes FuzzNegIndex FuzzContentScan FuzzFillerChars FuzzHasDigitRun FuzzChecksAnswer FuzzOnlyEmoticons FuzzPlaceholder2At \
	FuzzBackChars FuzzNegBefore FuzzNumberBefore FuzzWordFinderHas FuzzFirstMsgs FuzzFeatureIndex FuzzPromiseScoreMatchesTrainerView FuzzGramIndex FuzzIsBlank FuzzEnglishReaders FuzzEnglishNegFeatures FuzzRead FuzzYiCue; do
	echo "== fuzzing detect $f for 1m"
	go test ./internal/detect/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
# The engine's English test, its characters read inline, against
# isEnglish (FuzzEnglishText); the ending n-grams' slot hash against
# featureIndex (FuzzEndIndex); the emotion rules' marks-only test, read
# by bytes, and their greeting test, its characters decoded inline,
# against their range loops (FuzzBareMarks, FuzzGreeting); the clause
# bounds, eight quiet bytes skipped at once, against a byte at a time
# (FuzzClauseBounds); the digit pairs' presence class against the byte
# loop it answers for (FuzzDigitRuns); a round's wait, read from the Unix
# seconds, against Sub (FuzzRoundsWait); the promise rules' word search by
# its last byte against strings.Index (FuzzIndexByLast); the learned
# scorer's trim of closing particles, three bytes compared as they stand,
# against strings.TrimRight (FuzzTrimRightParticles), and the promise
# rules' trims of particles read from the end (trimSet) against
# strings.TrimRight with each of their cut sets (FuzzTrimSets); the
# response rules' no-answer test, short closings not stripped of emoji
# codes, against the test it replaced (FuzzNeedsNoAnswer); an action
# object's cut at eight characters by text.RuneOffset against the loop
# of DecodeRuneInString it replaced (FuzzObjectCut); the negative
# scorer's memo of bigram weights against hashing every bigram
# (FuzzNegBigrams); the scorecard's table of codes against its map
# (FuzzSheetItemsOf).
for f in FuzzEnglishText FuzzEndIndex FuzzBareMarks FuzzGreeting FuzzClauseBounds FuzzDigitRuns FuzzRoundsWait FuzzIndexByLast FuzzTrimRightParticles FuzzTrimSets FuzzNeedsNoAnswer FuzzObjectCut FuzzNegBigrams; do
	echo "== fuzzing detect $f for 1m"
	go test ./internal/detect/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
for f in FuzzFillMatchesRef FuzzMixBucket FuzzMixedBucket FuzzMixTop FuzzRepeatLevel FuzzRawQuietPlaceholders FuzzGramsMatchesRef FuzzUnigramsMatchesRef FuzzSoftmaxMatchesRef FuzzSparse FuzzRowOf FuzzTokenizerShortcuts; do
	echo "== fuzzing classify $f for 1m"
	go test ./internal/classify/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
echo "== fuzzing conversation FuzzDataMatchesMap for 1m"
go test ./internal/conversation/ -run '^$' -fuzz '^FuzzDataMatchesMap$' -fuzztime 1m -timeout 0
echo "== fuzzing conversation FuzzElapsed for 1m"
go test ./internal/conversation/ -run '^$' -fuzz '^FuzzElapsed$' -fuzztime 1m -timeout 0
echo "== fuzzing scan FuzzSortFindings for 1m"
go test ./internal/scan/ -run '^$' -fuzz '^FuzzSortFindings$' -fuzztime 1m -timeout 0
echo "== fuzzing analyze FuzzClip for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzClip$' -fuzztime 1m -timeout 0
echo "== fuzzing analyze FuzzTimeSpan for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzTimeSpan$' -fuzztime 1m -timeout 0
echo "== fuzzing analyze FuzzSortTopics for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzSortTopics$' -fuzztime 1m -timeout 0
echo "== fuzzing analyze FuzzTopicsOf for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzTopicsOf$' -fuzztime 1m -timeout 0
for f in FuzzSheetApply FuzzSheetItemsOf FuzzCustDayKey; do
	echo "== fuzzing score $f for 1m"
	go test ./internal/score/ -run '^$' -fuzz "^$f\$" -fuzztime 1m -timeout 0
done
echo "== detectors' CPU time at 8x the input (catches loops the work count does not see)"
FULLQA_SCALING_CPU=1 go test ./internal/detect/ -run '^TestDetectorsCPUScale$' -count=1 -timeout 0
echo "== fuzzing the normalizer, its Chinese runs and the matcher for 1m each"
go test ./internal/text/ -run '^$' -fuzz '^FuzzNormalize$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzMatcher$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzCJKRunEnd$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzRuneOffset$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzRuneOffsetValid$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzAppendNormalized$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzAppendPlain$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzNormalizeKeeps$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzValidUTF8$' -fuzztime 1m -timeout 0
go test ./internal/text/ -run '^$' -fuzz '^FuzzTrimSpace$' -fuzztime 1m -timeout 0
# text.JSONPlain, which marks a scorecard's names the result writer copies
# without escaping, against encoding/json.
go test ./internal/text/ -run '^$' -fuzz '^FuzzJSONPlain$' -fuzztime 1m -timeout 0
# The promise scorer's n-gram sums, the unigrams read from a table for the
# characters of the Basic Multilingual Plane, against the steps and
# weights of promiseGrams' indices (FuzzGramSums).
echo "== fuzzing detect FuzzGramSums for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzGramSums$' -fuzztime 1m -timeout 0
# The negative scorer's least sum whose probability reaches its threshold
# (zAtLeast, which lets decide skip the sigmoid) against the sigmoid.
echo "== fuzzing detect FuzzZAtLeast for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzZAtLeast$' -fuzztime 1m -timeout 0
# The engine's English answers, kept for every message at the first
# question (langs, its Chinese first character told without englishText),
# against isEnglish.
echo "== fuzzing detect FuzzLangs for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzLangs$' -fuzztime 1m -timeout 0
# The emotion rules' test for an opening ellipsis, its first byte tested
# inline, against the three prefixes it stands for.
echo "== fuzzing detect FuzzLeadingDots for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzLeadingDots$' -fuzztime 1m -timeout 0
# The emotion model's n-gram state (its keys against the tokens they stand
# for), from which grams reads the end token's rows.
go test ./internal/classify/ -run '^$' -fuzz '^FuzzGramState$' -fuzztime 1m -timeout 0
# The loop detector's content scan counting up to a bound (contentScanInto,
# its runs read by scanRun) against contentScanRef.
go test ./internal/detect/ -run '^$' -fuzz '^FuzzContentScanNeed$' -fuzztime 1m -timeout 0
# What the loop detector's shortcut for canned replies rests on: a text's
# content lies outside its skip spans (FuzzContentWithinSpans).
go test ./internal/detect/ -run '^$' -fuzz '^FuzzContentWithinSpans$' -fuzztime 1m -timeout 0
# A commitment's slot written as a conversation.Data in key order against
# the map it was written as (toData against toMap).
go test ./internal/detect/ -run '^$' -fuzz '^FuzzSlotToData$' -fuzztime 1m -timeout 0
# The buyers' table of Memory (buyerIndex) against a map of the keys.
echo "== fuzzing analyze FuzzBuyerIndex for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzBuyerIndex$' -fuzztime 1m -timeout 0
# The batch, which makes the contact's texts and Kept only when it may read
# them, against the contact made whole and Analyzer.Inspect.
echo "== fuzzing analyze FuzzBatchMatchesEager for 1m"
go test ./internal/analyze/ -run '^$' -fuzz '^FuzzBatchMatchesEager$' -fuzztime 1m -timeout 0
# The ending classifier's sums with the signals' 1s added unmultiplied
# (f.ones, their values unread) and the largest sum's exp(0) taken as 1,
# against probsRef.
go test ./internal/detect/ -run '^$' -fuzz '^FuzzEndingProbs$' -fuzztime 1m -timeout 0
# The promise features of an agent message, the classes read a byte of
# presence bits at a time and the cues' and classes' features written in
# place, against messageFeaturesRef (FuzzMessageFeatures).
echo "== fuzzing detect FuzzMessageFeatures for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzMessageFeatures$' -fuzztime 1m -timeout 0
# The actor words in the four characters before a verb, read from two
# loads where those are four characters of Chinese, against the actor
# finder's has over backChars' window (FuzzActorsBefore).
echo "== fuzzing detect FuzzActorsBefore for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzActorsBefore$' -fuzztime 1m -timeout 0
# The promise rules' test of a verb the customer did, its words compared
# three bytes at a time, against the HasSuffix loops it replaced
# (FuzzCustomerActs).
echo "== fuzzing detect FuzzCustomerActs for 1m"
go test ./internal/detect/ -run '^$' -fuzz '^FuzzCustomerActs$' -fuzztime 1m -timeout 0
# The normalizer's plain bit (AppendNormalizedPlain, which lets the scan
# output copy evidence unescaped) against escapes in the text and its
# normalized form, and redaction keeping such text free of escapes.
echo "== fuzzing text FuzzAppendNormalizedPlain for 1m"
go test ./internal/text/ -run '^$' -fuzz '^FuzzAppendNormalizedPlain$' -fuzztime 1m -timeout 0
echo "== fuzzing report FuzzRedactPlain for 1m"
go test ./internal/report/ -run '^$' -fuzz '^FuzzRedactPlain$' -fuzztime 1m -timeout 0
