package classify

import (
	"bytes"
	_ "embed" // for the embedded scene-tag weights
	"encoding/binary"
	"fmt"
	"io"
)

// TagModel is the learned scorer of one scene tag (internal/detect's
// scene detector reads it): a Linear model over the per-conversation
// features the detector hashes, and how its score combines with the rules.
// Mode 1 tags a conversation when the rules do or the score reaches the
// threshold; mode 2 (stacked) decides by the score alone, the rules'
// verdict being one of its features, so the model can also overrule them.
type TagModel struct {
	Tag    string
	Mode   uint8
	Linear *Linear
}

// The scene-tag weights file: magic, a uint32 count, then per model its
// tag (a length byte and the name), its mode byte, a uint32 length and
// the model as EncodeLinear writes it.
const tagsMagic = "FQTAG001"

// EncodeTagModels writes the models in order. Equal models give equal
// bytes, so retraining on the same labels changes nothing.
func EncodeTagModels(w io.Writer, ms []TagModel) error {
	var b bytes.Buffer
	b.WriteString(tagsMagic)
	_ = binary.Write(&b, binary.LittleEndian, uint32(len(ms)))
	for _, m := range ms {
		if len(m.Tag) > 255 {
			return fmt.Errorf("encode tag models: tag name %q too long", m.Tag)
		}
		var lin bytes.Buffer
		if err := EncodeLinear(&lin, m.Linear); err != nil {
			return fmt.Errorf("encode tag model %s: %w", m.Tag, err)
		}
		b.WriteByte(byte(len(m.Tag)))
		b.WriteString(m.Tag)
		b.WriteByte(m.Mode)
		_ = binary.Write(&b, binary.LittleEndian, uint32(lin.Len()))
		b.Write(lin.Bytes())
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write tag models: %w", err)
	}
	return nil
}

// DecodeTagModels reads a file written by EncodeTagModels.
func DecodeTagModels(b []byte) ([]TagModel, error) {
	if len(b) < len(tagsMagic)+4 || string(b[:len(tagsMagic)]) != tagsMagic {
		return nil, fmt.Errorf("%w: tag models: missing header", errBadWeights)
	}
	n := binary.LittleEndian.Uint32(b[len(tagsMagic):])
	b = b[len(tagsMagic)+4:]
	var out []TagModel
	for k := uint32(0); k < n; k++ {
		if len(b) < 1 || len(b) < 1+int(b[0])+5 {
			return nil, fmt.Errorf("%w: tag models: model %d cut short", errBadWeights, k)
		}
		name := string(b[1 : 1+int(b[0])])
		b = b[1+int(b[0]):]
		mode := b[0]
		size := binary.LittleEndian.Uint32(b[1:])
		b = b[5:]
		if uint64(len(b)) < uint64(size) {
			return nil, fmt.Errorf("%w: tag model %s cut short", errBadWeights, name)
		}
		l, err := DecodeLinear(b[:size])
		if err != nil {
			return nil, fmt.Errorf("tag model %s: %w", name, err)
		}
		b = b[size:]
		out = append(out, TagModel{Tag: name, Mode: mode, Linear: l})
	}
	return out, nil
}

//go:embed tags.weights
var embeddedTags []byte

// SceneTagModels returns the learned scene-tag scorers embedded in the
// binary: only the tags whose learned decision measured better than the
// rules were written (see the README, `fullqa train tags`); none when the
// file holds none. Each call decodes afresh, so callers own the result.
func SceneTagModels() ([]TagModel, error) {
	return DecodeTagModels(embeddedTags)
}
