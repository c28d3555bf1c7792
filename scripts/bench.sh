#!/bin/sh
# Measures `fullqa scan` end to end on 126,400 JDDC-sized conversations
# (the JDDC sample in ../shared/data repeated 200 times) in three input
# formats: the JDDC TSV, canonical JSON Lines made from it (shop,
# vendor, agent and a time on every message, as integrations send) and a
# message-per-row CSV with a header and a time on every row, or,
# when ../shared is absent, on 120,000 conversations built from
# examples/chats.jsonl (JSON Lines only). For each format it runs the
# default configuration (all detectors, emotion model on) and
# --detectors none, and prints conversations/s (wall-clock, noisy on a
# shared machine), CPU-seconds per 100,000 conversations (user+sys of
# the run, much steadier) and allocations per conversation (of the whole
# command after start-up: reading, inspection, the report aggregation
# and the across-conversation analysis, which BenchmarkScan leaves out).
set -eu
cd "$(dirname "$0")/.."
tmp=${TMPDIR:-/tmp}/fullqa-bench
mkdir -p "$tmp"
go build -o "$tmp/fullqa" ./cmd/fullqa
corpora=
if [ -f ../shared/data/jddc/jddc_dev.tsv ]; then
	tsv=$tmp/corpus.tsv
	[ -s "$tsv" ] || for i in $(seq 200); do sed "s/^/$i-/" ../shared/data/jddc/jddc_dev.tsv; done > "$tsv"
	jsonl=$tmp/corpus-jddc.jsonl
	[ -s "$jsonl" ] || awk -F'\t' '
		function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/[\001-\037]/, " ", s); return s }
		function flush() {
			if (id == "") return
			printf "{\"id\":\"%s\",\"channel\":\"jd\",\"shop\":\"s%d\",\"vendor\":\"v%d\",\"customer\":\"%s\",\"messages\":[%s]}\n", esc(id), n % 7, n % 3, esc(cust), msgs
			n++
		}
		$1 != id { flush(); id = $1; cust = $2; msgs = ""; k = 0; t = 9 * 3600 + (n % 632) * 180 }
		{
			t += 7 + (k * 37) % 200
			at = sprintf("2026-11-%02dT%02d:%02d:%02d+08:00", 1 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60)
			m = sprintf("{\"role\":\"%s\",\"text\":\"%s\",\"at\":\"%s\"", $3 == "0" ? "customer" : "agent", esc($7), at)
			if ($3 != "0") m = m sprintf(",\"agent\":\"a-%02d\"", n % 13)
			msgs = msgs (k ? "," : "") m "}"
			k++
		}
		END { flush() }' "$tsv" > "$jsonl"
	# The same as a message-per-row CSV export with a header, as helpdesks
	# write (a time on every row, text quoted).
	csv=$tmp/corpus.csv
	[ -s "$csv" ] || awk -F'\t' '
		BEGIN { print "会话ID,发送时间,发送方,客服昵称,买家,内容" }
		$1 != id { id = $1; n++; k = 0; t = 9 * 3600 + (n % 632) * 180 }
		{
			t += 7 + (k * 37) % 200; k++
			at = sprintf("2026-11-%02d %02d:%02d:%02d", 1 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60)
			text = $7; gsub(/"/, "\"\"", text)
			printf "%s,%s,%s,%s,%s,\"%s\"\n", $1, at, $3 == "0" ? "买家" : "客服", $3 == "0" ? "" : sprintf("a-%02d", n % 13), $2, text
		}' "$tsv" > "$csv"
	corpora="$jsonl $tsv $csv"
else
	jsonl=$tmp/corpus.jsonl
	[ -s "$jsonl" ] || for i in $(seq 4616); do sed "s/\"id\":\"/\"id\":\"$i-/" examples/chats.jsonl; done > "$jsonl"
	corpora=$jsonl
fi
for corpus in $corpora; do
	ls -l "$corpus"
	for spec in all none; do
		printf '%s --detectors %s: ' "${corpus##*.}" "$spec"
		/usr/bin/env time -f '%U %S' -o "$tmp/time" "$tmp/fullqa" scan "$corpus" --format jsonl --out /dev/null --no-progress -v --detectors "$spec" 2>"$tmp/log" || { cat "$tmp/log"; exit 1; }
		convs=$(sed -n 's/.*scan done.* conversations=\([0-9]*\).*/\1/p' "$tmp/log")
		rate=$(sed -n 's/.*conv_per_s=\([0-9]*\).*/\1/p' "$tmp/log")
		allocs=$(sed -n 's/.*allocs_per_conv=\([0-9.]*\).*/\1/p' "$tmp/log")
		awk -v c="$convs" -v r="$rate" -v a="$allocs" '{ printf "%d conversations, %d conv/s, %.2f CPU-s per 100,000, %s allocations per conversation\n", c, r, ($1 + $2) / c * 100000, a }' "$tmp/time"
	done
done
