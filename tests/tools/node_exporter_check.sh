#!/usr/bin/env bash
# The simulated /proc files, read by an independent strict parser: prometheus-node-exporter
# (1.5.0, Debian; Go procfs) serves the files `irqlab run --proc-dir` wrote, and every value
# it reports must be the simulator's: the /proc files' own numbers, the --stats-json
# figures, and figures derived independently (the NIC's delivered-frame counter).
#   node_exporter_check.sh IRQLAB SOURCE_DIR    exit 0 ok, 1 a mismatch, 77 no exporter/curl
set -u
irqlab=$1
src=$2
exporter=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}  # overridable to test the skip
if [ ! -x "$exporter" ]; then
  echo "skipped: $exporter is not installed (tools/build.sh installs prometheus-node-exporter)"
  exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "skipped: curl is not installed (tools/build.sh installs it)"
  exit 77
fi

tmp=$(mktemp -d /tmp/irqlab-node-exporter.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# expect WHAT GOT WANT: one comparison; values may be "1.0001e+06" (Prometheus' floats).
expect() {
  local got want
  got=$(awk -v v="$2" 'BEGIN { printf "%.0f", v }')
  want=$(awk -v v="$3" 'BEGIN { printf "%.0f", v }')
  if [ -z "$2" ] || [ "$got" != "$want" ]; then fail "$1: got '$2', want '$3'"; else checked=$((checked + 1)); fi
}

# Flattens JSON to "path=value" lines (interrupts.0.per_cpu.1=202), strings unquoted.
flatten_json() {
  awk 'BEGIN { RS = "\001" } {
    s = $0; n = length(s); d = 0
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1)
      if (c ~ /[ \t\r\n:]/) continue
      if (c == "{" || c == "[") { d++; type[d] = c; idx[d] = 0; key[d] = ""; want_key = (c == "{"); continue }
      if (c == "}" || c == "]") { d--; continue }
      if (c == ",") { if (type[d] == "[") idx[d]++; else want_key = 1; continue }
      if (c == "\"") {
        v = ""
        for (i++; i <= n; i++) {
          c = substr(s, i, 1)
          if (c == "\\") { i++; v = v substr(s, i, 1); continue }
          if (c == "\"") break
          v = v c
        }
        if (want_key) { key[d] = v; want_key = 0; continue }
      } else {
        v = c
        while (i < n && substr(s, i + 1, 1) !~ /[,}\] \t\r\n]/) v = v substr(s, ++i, 1)
      }
      p = ""
      for (j = 1; j <= d; j++) p = p (j > 1 ? "." : "") (type[j] == "{" ? key[j] : idx[j])
      print p "=" v
    }
  }' "$1"
}

# Starts the exporter on a free loopback port (another one if it is taken) over $1 and
# fetches /metrics into $2.
scrape() {
  local procfs=$1 out=$2 port try i
  mkdir -p "$tmp/sys"
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    # netdev reads /proc/net/dev only without netlink (which would ask the host's kernel).
    "$exporter" --web.listen-address="127.0.0.1:$port" --path.procfs="$procfs" --path.sysfs="$tmp/sys" \
      --collector.disable-defaults --collector.interrupts --collector.softnet --collector.stat \
      --collector.stat.softirq --collector.netdev --no-collector.netdev.netlink >"$tmp/exporter.log" 2>&1 &
    pid=$!
    for i in $(seq 50); do
      if curl -sf --max-time 2 "http://127.0.0.1:$port/metrics" >"$out" 2>/dev/null; then
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break  # it exited: the port was taken, or worse
      sleep 0.1
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
    grep -q "address already in use" "$tmp/exporter.log" || break
  done
  echo "FAIL: prometheus-node-exporter did not answer:"; cat "$tmp/exporter.log"
  exit 1
}

# metric FILE NAME [LABEL=VALUE...]: the value of the one sample with those labels.
metric() {
  local file=$1 name=$2 pat
  shift 2
  pat="^$name[{ ]"
  awk -v pat="$pat" -v want="$*" '
    $0 ~ pat {
      k = split(want, w, " "); ok = 1
      for (i = 1; i <= k; i++) { split(w[i], lv, "="); if (index($0, lv[1] "=\"" lv[2] "\"") == 0) ok = 0 }
      if (ok) { print $NF; exit }
    }' "$file"
}

# check_scenario FILE: runs it, has the exporter read its /proc, compares.
check_scenario() {
  local sc=$1 dir=$tmp/run proc=$tmp/run/proc m=$tmp/run/metrics j=$tmp/run/stats.flat
  rm -rf "$dir"; mkdir -p "$dir"
  checked=0
  "$irqlab" run -q "$src/scenarios/$sc.yaml" --proc-dir "$proc" --stats-json "$dir/stats.json" ||
    { fail "$sc: irqlab run exited $?"; return; }
  flatten_json "$dir/stats.json" >"$j"
  scrape "$proc" "$m"
  local cpus c col name
  cpus=$(grep -c '^cpu[0-9]' "$proc/stat")

  # Every collector parsed its files.
  for col in interrupts softnet stat netdev; do
    expect "$sc: node_scrape_collector_success{collector=$col}" "$(metric "$m" node_scrape_collector_success collector=$col)" 1
  done

  # /proc/interrupts: each row with one column per CPU (ERR and MIS have one in all) is
  # node_interrupts_total{type=ROW,cpu=N}; an IRQ's row is also its --stats-json per_cpu.
  local row k nirqs=0
  while read -r -a row; do
    name=${row[0]%:}
    [ ${#row[@]} -gt $((cpus + 1)) ] || continue
    for ((c = 0; c < cpus; c++)); do
      expect "$sc: node_interrupts_total{type=$name,cpu=$c} vs /proc/interrupts" \
        "$(metric "$m" node_interrupts_total type="$name" cpu=$c)" "${row[$((c + 1))]}"
    done
    case $name in *[!0-9]*) continue ;; esac
    nirqs=$((nirqs + 1))
    k=$(awk -F= -v irq="$name" '$1 ~ /^interrupts\.[0-9]+\.irq$/ && $2 == irq { split($1, p, "."); print p[2] }' "$j")
    [ -n "$k" ] || { fail "$sc: IRQ $name is in /proc/interrupts but not in --stats-json"; continue; }
    for ((c = 0; c < cpus; c++)); do
      expect "$sc: node_interrupts_total{type=$name,cpu=$c} vs --stats-json" \
        "$(metric "$m" node_interrupts_total type="$name" cpu=$c)" "$(sed -n "s/^interrupts\.$k\.per_cpu\.$c=//p" "$j")"
    done
  done < <(tail -n +2 "$proc/interrupts")
  [ "$nirqs" -gt 0 ] || fail "$sc: no device IRQ in /proc/interrupts"

  # /proc/stat: the intr total and the softirq line, in Linux's vector order; the softirq
  # totals are also the sums of --stats-json's per-CPU counts (from /proc/softirqs).
  expect "$sc: node_intr_total vs /proc/stat" "$(metric "$m" node_intr_total)" "$(awk '$1 == "intr" { print $2 }' "$proc/stat")"
  local vectors=(hi timer net_tx net_rx block block_iopoll tasklet sched hrtimer rcu)
  local keys=(hi timer net_tx net_rx block irq_poll tasklet sched hrtimer rcu)
  for ((k = 0; k < 10; k++)); do
    expect "$sc: node_softirqs_total{vector=${vectors[$k]}} vs /proc/stat" \
      "$(metric "$m" node_softirqs_total vector="${vectors[$k]}")" "$(awk -v f=$((k + 3)) '$1 == "softirq" { print $f }' "$proc/stat")"
    expect "$sc: node_softirqs_total{vector=${vectors[$k]}} vs --stats-json" \
      "$(metric "$m" node_softirqs_total vector="${vectors[$k]}")" \
      "$(awk -F= -v key="softirqs.${keys[$k]}." 'index($1, key) == 1 { s += $2 } END { print s + 0 }' "$j")"
  done

  # /proc/net/softnet_stat: a row per CPU, hex; processed and dropped per CPU.
  local processed dropped sum=0
  c=0
  while read -r processed dropped _; do
    expect "$sc: node_softnet_processed_total{cpu=$c}" "$(metric "$m" node_softnet_processed_total cpu=$c)" $((16#$processed))
    expect "$sc: node_softnet_dropped_total{cpu=$c}" "$(metric "$m" node_softnet_dropped_total cpu=$c)" $((16#$dropped))
    sum=$((sum + 16#$processed))
    c=$((c + 1))
  done <"$proc/net/softnet_stat"
  expect "$sc: softnet_stat rows" "$c" "$cpus"

  # /proc/net/dev, and the NIC model's own count of frames it delivered to the driver:
  # every one is a packet in eth0's rx_packets and one processed in NET_RX.
  if grep -q '^ *eth0:' "$proc/net/dev"; then
    local delivered
    delivered=$(sed -n 's/^devices\.[0-9]*\.counters\.rx_delivered=//p' "$j" | head -1)
    expect "$sc: node_network_receive_packets_total{eth0} vs /proc/net/dev" \
      "$(metric "$m" node_network_receive_packets_total device=eth0)" "$(awk '$1 == "eth0:" { print $3 }' "$proc/net/dev")"
    expect "$sc: node_network_receive_bytes_total{eth0} vs /proc/net/dev" \
      "$(metric "$m" node_network_receive_bytes_total device=eth0)" "$(awk '$1 == "eth0:" { print $2 }' "$proc/net/dev")"
    expect "$sc: node_network_receive_packets_total{eth0} vs the NIC's rx_delivered" \
      "$(metric "$m" node_network_receive_packets_total device=eth0)" "$delivered"
    expect "$sc: sum of node_softnet_processed_total vs the NIC's rx_delivered" "$sum" "$delivered"
  fi
  echo "$sc: $checked values match"
}

check_scenario net-rss            # 4 CPUs, MSI vectors, RSS, NET_RX
check_scenario irq-nobody-cared   # 2 CPUs, an IO-APIC line, disabled by the spurious detector
exit $status
