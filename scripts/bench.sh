#!/bin/sh
# Measures `fullqa scan` end to end on a corpus of 126,400 conversations
# built from the JDDC sample (../shared/data, JDDC-sized chats) or, when
# that is absent, 120,000 conversations built from examples/chats.jsonl.
# Prints conversations/s and MB/s for all detectors and for --detectors none.
set -eu
cd "$(dirname "$0")/.."
tmp=${TMPDIR:-/tmp}/fullqa-bench
mkdir -p "$tmp"
go build -o "$tmp/fullqa" ./cmd/fullqa
if [ -f ../shared/data/jddc/jddc_dev.tsv ]; then
	corpus=$tmp/corpus.tsv
	[ -s "$corpus" ] || for i in $(seq 200); do sed "s/^/$i-/" ../shared/data/jddc/jddc_dev.tsv; done > "$corpus"
else
	corpus=$tmp/corpus.jsonl
	[ -s "$corpus" ] || for i in $(seq 20000); do sed "s/\"id\":\"/\"id\":\"$i-/" examples/chats.jsonl; done > "$corpus"
fi
ls -l "$corpus"
for spec in all none; do
	echo "== --detectors $spec"
	"$tmp/fullqa" scan "$corpus" --format jsonl --out /dev/null --no-progress --detectors "$spec" 2>&1 | grep 'scan done'
done
