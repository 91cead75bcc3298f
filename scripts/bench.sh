#!/usr/bin/env bash
# Benchmarks, built first (the kernel and the server are measured from their dist/):
# - hooks (bench/hooks.ts): guarded hook dispatch against raw tapable and a plain loop, then the
#   server's cold start; writes bench/results/hooks-<timestamp>.json (latest-hooks.json on a
#   full run);
# - chat (bench/chat-bench.ts, GitHub issue 4): idle sockets, saturated message throughput and
#   open-loop latency of the chat core over loopback WebSockets, each next to a bare ws server in
#   the same run; writes bench/results/chat-<timestamp>.json (latest-chat.json on a full run).
#   See docs/benchmarks.md.
# - acd (bench/acd-bench.ts, GitHub issue 5; only with --only=acd): routing decisions/s and p99
#   decision latency with 1,000 online agents and 10,000 queued chats, each decision persisted;
#   on sqlite, and on PostgreSQL too when DATABASE_URL is set; writes bench/results/acd-*.json.
# - ui (bench/ui-bench.ts, GitHub issue 6; only with --only=ui): the embed loader's gzipped size,
#   the initial JS of the widget and the console, and loader start → interactive chat button in
#   headless Chromium; writes bench/results/ui-*.json.
# Prints tables and PASS/FAIL per goal. Exits 1 when a goal is missed (2 on a usage error).
#
# Options: --quick (hooks and chat), --only=hooks|chat|acd|ui|dispatch|cold-start|idle|messages|saturation|latency.
# Other options go to the chat suite: --connections=N --pairs=N --window=N --rate=N --loaders=N
# --idle-loaders=N --synchronous=normal|full --cpu-prof.
set -euo pipefail
cd "$(dirname "$0")/.."

suites=(hooks chat ui)
hooks_args=()
chat_args=()
for arg in "$@"; do
  case "$arg" in
    --only=hooks) suites=(hooks) ;;
    --only=acd) suites=(acd) ;;
    --only=ui) suites=(ui) ;;
    --only=chat) suites=(chat) ;;
    --only=dispatch | --only=cold-start)
      suites=(hooks)
      hooks_args+=("$arg")
      ;;
    --only=idle | --only=messages | --only=saturation | --only=latency)
      suites=(chat)
      chat_args+=("$arg")
      ;;
    --only=*)
      echo "--only takes hooks, chat, acd, ui, dispatch, cold-start, idle, messages, saturation or latency, not \"${arg#--only=}\"." >&2
      exit 2
      ;;
    --quick)
      hooks_args+=("$arg")
      chat_args+=("$arg")
      ;;
    *) chat_args+=("$arg") ;;
  esac
done

bash scripts/bootstrap.sh >/dev/null

status=0
for suite in "${suites[@]}"; do
  code=0
  case "$suite" in
    hooks) node --import tsx bench/hooks.ts "${hooks_args[@]}" || code=$? ;;
    acd)
      acd_db=sqlite
      if [[ -n "${DATABASE_URL:-}" ]]; then acd_db=both; fi
      node --import tsx bench/acd-bench.ts --db="$acd_db" || code=$?
      ;;
    ui)
      CHROMIUM="$(bash scripts/chromium.sh | sed -n 's/^CHROMIUM=//p')" node --import tsx bench/ui-bench.ts || code=$?
      ;;
    chat)
      echo
      node --import tsx bench/chat-bench.ts "${chat_args[@]}" || code=$?
      ;;
  esac
  if ((code > status)); then status=$code; fi
done
exit "$status"
