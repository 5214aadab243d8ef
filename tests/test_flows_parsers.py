"""Flow logs in: Hubble's JSON (observe -o json, Relay's jsonpb, bare Flows) and the plain
CSV / JSON-lines form, aggregated as they stream; malformed lines are findings, the rest read."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.flows.aggregate import MAX_LISTED, FlowLogError, read
from netkit.flows.hubble import parse
from netkit.flows.records import EXTERNAL, HOST, POD


def hubble(src: dict[str, Any], dst: dict[str, Any], *, port: int = 8080,
           protocol: str = "TCP", verdict: Any = "FORWARDED", src_ip: str = "10.0.1.5",
           dst_ip: str = "10.0.2.7", **extra: Any) -> dict[str, Any]:
    """A flow as `hubble observe -o json` prints it (proto field names)."""
    flow = {"time": "2026-11-30T10:00:00.000000001Z", "uuid": "c0ffee",
            "verdict": verdict,
            "ethernet": {"source": "aa:bb:cc:dd:ee:01", "destination": "aa:bb:cc:dd:ee:02"},
            "IP": {"source": src_ip, "destination": dst_ip,
                   "ipVersion": "IPv6" if ":" in src_ip else "IPv4"},
            "l4": {protocol: {"source_port": 45678, "destination_port": port,
                              **({"flags": {"SYN": True}} if protocol == "TCP" else {})}},
            "source": src, "destination": dst, "Type": "L3_L4", "node_name": "kind-worker",
            "event_type": {"type": 4, "sub_type": 3}, "traffic_direction": "EGRESS",
            "trace_observation_point": "TO_ENDPOINT", "is_reply": False,
            "Summary": "TCP Flags: SYN", **extra}
    return {"flow": flow, "node_name": "kind-worker", "time": flow["time"]}


def pod(ns: str, workload: str, **labels: str) -> dict[str, Any]:
    """A Hubble endpoint for a pod of a Deployment, labels as Cilium derives them."""
    return {"ID": 1234, "identity": 56789, "cluster_name": "default", "namespace": ns,
            "labels": [f"k8s:{k}={v}" for k, v in labels.items()] + [
                f"k8s:io.kubernetes.pod.namespace={ns}",
                f"k8s:io.cilium.k8s.policy.serviceaccount={workload}",
                "k8s:io.cilium.k8s.policy.cluster=default",
                "k8s:io.cilium.k8s.namespace.labels.team=shop"],
            "pod_name": f"{workload}-7d9f8b6c5-x2x4z",
            "workloads": [{"name": workload, "kind": "Deployment"}]}


WEB = pod("shop", "web", app="web")
API = pod("shop", "api", app="api")
WORLD = {"identity": 2, "labels": ["reserved:world"]}


def lines(*records: dict[str, Any] | str) -> io.BytesIO:
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"
    return io.BytesIO(text.encode())


def test_a_forwarded_hubble_flow() -> None:
    r = parse(hubble(WEB, API))
    assert r is not None
    assert (r.src.id, r.dst.id, r.protocol, r.port, r.verdict) == (
        "shop/web", "shop/api", "TCP", 8080, "FORWARDED")
    assert r.src.kind == POD and dict(r.src.labels) == {"app": "web"}
    assert dict(r.src.namespace_labels) == {"team": "shop"}
    assert r.time == "2026-11-30T10:00:00.000000001Z"


def test_replies_are_not_flows() -> None:
    assert parse(hubble(API, WEB, port=45678, is_reply=True)) is None
    deprecated = hubble(API, WEB, port=45678)
    del deprecated["flow"]["is_reply"]
    deprecated["flow"]["reply"] = True
    assert parse(deprecated) is None
    syn_ack = hubble(API, WEB, port=45678)
    del syn_ack["flow"]["is_reply"]
    syn_ack["flow"]["l4"]["TCP"]["flags"] = {"SYN": True, "ACK": True}
    assert parse(syn_ack) is None


@pytest.mark.parametrize("verdict", ["FORWARDED", "DROPPED", "AUDIT", "REDIRECTED",
                                     "TRANSLATED", "TRACED"])
def test_every_verdict_is_kept(verdict: str) -> None:
    r = parse(hubble(WEB, API, verdict=verdict, drop_reason_desc="POLICY_DENIED"))
    assert r is not None and r.verdict == verdict


def test_world_host_and_remote_node_identities() -> None:
    out = parse(hubble(WEB, WORLD, port=443, dst_ip="203.0.113.9",
                       destination_names=["api.stripe.com."]))
    assert out is not None and out.dst.kind == EXTERNAL and out.dst.id == "203.0.113.9"
    assert out.dst_names == ("api.stripe.com",)
    numeric = parse(hubble(WEB, {"identity": 2}, port=443, dst_ip="198.51.100.1"))
    assert numeric is not None and numeric.dst.id == "198.51.100.1"
    probe = parse(hubble({"identity": 1, "labels": ["reserved:host"]}, API, src_ip="10.0.0.1"))
    assert probe is not None and probe.src.kind == HOST
    node = parse(hubble({"identity": 6, "labels": ["reserved:remote-node"]}, API,
                        src_ip="172.18.0.3"))
    assert node is not None and node.src.kind == EXTERNAL and node.src.ip == "172.18.0.3"


def test_ipv6_addresses_are_canonical() -> None:
    r = parse(hubble(WORLD, API, src_ip="2001:DB8:0:0::1", dst_ip="fd00::5"))
    assert r is not None and r.src.id == "2001:db8::1"


def test_missing_workloads_and_labels() -> None:
    bare = {"namespace": "shop", "pod_name": "worker-6c9f7d8b4-abcde"}
    r = parse(hubble(bare, API))
    assert r is not None and r.src.id == "shop/worker" and r.src.labels == ()
    stateful = parse(hubble({"namespace": "data", "pod_name": "pg-0",
                             "labels": ["k8s:app=pg"]}, API))
    assert stateful is not None and stateful.src.id == "data/pg"
    by_label = parse(hubble({"namespace": "shop", "labels": ["k8s:app=cron"]}, API))
    assert by_label is not None and by_label.src.id == "shop/cron"


def test_jsonpb_relay_form_with_enum_numbers() -> None:
    flow = {"verdict": 2, "IP": {"source": "10.0.1.5", "destination": "10.0.2.7"},
            "l4": {"UDP": {"sourcePort": 3456, "destinationPort": 53}},
            "source": {"namespace": "shop", "labels": ["k8s:app=web"], "podName": "web-1"},
            "destination": {"namespace": "kube-system", "labels": ["k8s:k8s-app=kube-dns"],
                            "podName": "coredns-5d78c9869d-abcde"},
            "isReply": False, "trafficDirection": 2, "destinationNames": []}
    r = parse({"result": {"flow": flow}})
    assert r is not None
    assert (r.src.id, r.dst.id, r.protocol, r.port, r.verdict) == (
        "shop/web", "kube-system/coredns", "UDP", 53, "DROPPED")
    assert parse(flow) == r  # a bare Flow object


def test_other_events_and_icmp_are_left_out() -> None:
    assert parse({"node_status": {"state": "NODE_CONNECTED"}}) is None
    assert parse({"lost_events": {"num_events_lost": 3}}) is None
    ping = hubble(WEB, API)
    ping["flow"]["l4"] = {"ICMPv4": {"type": 8}}
    assert parse(ping) is None


def test_malformed_lines_are_findings_and_the_rest_is_read() -> None:
    no_port = hubble(WEB, API)
    del no_port["flow"]["l4"]["TCP"]["destination_port"]
    stream = lines(hubble(WEB, API), "{not json", no_port, "[1, 2]",
                   hubble(WEB, {"namespace": "shop"}), hubble(WEB, {}, dst_ip=""),
                   hubble(WEB, API, port=9090))
    observed = read("flows.json", stream)
    assert observed.records == 2 and len(observed.flows) == 2
    found = observed.findings()
    assert [(f.rule, f.line) for f in found] == [("NK401", n) for n in (2, 3, 4, 5, 6)]
    assert all(f.file == "flows.json" for f in found)
    assert "destination_port None is not a port number" in found[1].message
    assert "no pod, workload or labels" in found[3].message


def test_a_flood_of_bad_lines_is_counted_not_listed() -> None:
    observed = read("flows.json", lines(*(["garbage"] * (MAX_LISTED + 5)),
                                        hubble(WEB, API)))
    found = observed.findings()
    assert len(found) == MAX_LISTED + 1 and "5 more malformed line(s)" in found[-1].message
    assert observed.records == 1


def test_empty_or_unknown_input_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FlowLogError, match="no flow records"):
        read("x", io.BytesIO(b"\n  \n"))
    with pytest.raises(FlowLogError, match="x:1: no flow records: every line is malformed"):
        read("x", io.BytesIO(b"hello world\n{}\n"))


def test_aggregation_counts_times_verdicts_and_common_labels() -> None:
    a = hubble(pod("shop", "web", app="web", **{"pod-template-hash": "aaa", "v": "1"}), API)
    b = hubble(pod("shop", "web", app="web", **{"pod-template-hash": "bbb", "v": "2"}), API,
               verdict="AUDIT")
    b["flow"]["time"] = "2026-11-30T11:00:00Z"
    observed = read("f", lines(a, b, a))
    (flow,) = observed.flows.values()
    assert flow.count == 3 and flow.verdicts == {"FORWARDED": 2, "AUDIT": 1}
    assert flow.first == "2026-11-30T10:00:00.000000001Z" and flow.last == "2026-11-30T11:00:00Z"
    assert dict(observed.peers["shop/web"].labels) == {"app": "web"}


def test_plain_csv_and_json_lines() -> None:
    csv_text = ("src,dst,protocol,port,count,src_labels,dst_labels,dst_name\n"
                "shop/web,shop/api,TCP,8080,3,app=web,app=api,\n"
                "shop/web,203.0.113.9,,443,,app=web,,api.stripe.com\n"
                "host,shop/api,TCP,8080,,,app=api,\n"
                "shop/web,shop/api,TCP,http,,,,\n"
                "shop/web,shop/api\n")
    observed = read("f.csv", io.BytesIO(b"\xef\xbb\xbf" + csv_text.encode()))
    assert observed.records == 5
    assert observed.flows[("shop/web", "shop/api", "TCP", 8080)].count == 3
    assert observed.names["203.0.113.9"] == {"api.stripe.com"}
    assert observed.peers["host"].kind == HOST
    assert [(f.line, f.message.split(" ")[0]) for f in observed.findings()] == [
        (5, "port"), (6, "2")]
    jsonl = lines({"src": "shop/web", "dst": "2001:db8::7", "port": 443, "count": 2,
                   "src_labels": {"app": "web"}},
                  {"src": "shop/web", "dst": "nowhere", "port": 1},
                  {"src": "a/b", "dst": "a/c", "port": 1, "colour": "red"},
                  {"src": "a/b", "dst": "a/c", "port": 1, "protocol": "ICMP"})
    observed = read("f.jsonl", jsonl)
    assert observed.flows[("shop/web", "2001:db8::7", "TCP", 443)].count == 2
    messages = [f.message for f in observed.findings()]
    assert "is not namespace/workload" in messages[0]
    assert "unknown field 'colour'" in messages[1]
    assert "not TCP, UDP or SCTP" in messages[2]


def _records(n: int, distinct: int) -> Iterator[bytes]:
    for i in range(n):
        src = pod("shop", f"w{i % distinct}", app=f"w{i % distinct}")
        yield (json.dumps(hubble(src, API, port=8000 + i % 3)) + "\n").encode()


class _Stream(io.RawIOBase):
    """Bytes made on demand: the reader never holds the whole log."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = chunk
        n = min(len(b), len(self.buffer))
        b[:n], self.buffer = self.buffer[:n], self.buffer[n:]
        return n


def test_aggregates_grow_with_distinct_flows_not_records() -> None:
    observed = read("stream", io.BufferedReader(_Stream(_records(3000, 4))))
    assert observed.records == 3000 and len(observed.flows) == 12 and len(observed.peers) == 5


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_in_one_line(data: bytes) -> None:
    try:
        observed = read("fuzz", io.BytesIO(data))
    except FlowLogError as exc:
        assert "\n" not in exc.line()
        return
    for f in observed.findings():
        assert "\n" not in f.line_text()


def test_a_large_file_read_in_two_workers_equals_one_stream(tmp_path: Path) -> None:
    records: list[dict[str, Any] | str] = []
    for i in range(9000):
        if i in (5, 4500, 8999):
            records.append(f"broken line {i}")
            continue
        src = pod("shop", f"w{i % 7}", app=f"w{i % 7}")
        records.append(hubble(src, API, port=8000 + i % 5, is_reply=i % 3 == 0))
    log = tmp_path / "big.json"
    log.write_bytes(lines(*records).getvalue())
    assert log.stat().st_size > 8 << 20
    parallel = read(str(log))
    serial = read(str(log), lines(*records))
    assert [(f.line, f.message) for f in parallel.findings()] == [
        (f.line, f.message) for f in serial.findings()] == [
        (6, "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (4501, "not JSON: Expecting value: line 1 column 1 (char 0)"),
        (9000, "not JSON: Expecting value: line 1 column 1 (char 0)")]
    assert (parallel.records, parallel.skipped) == (serial.records, serial.skipped) == (5998, 2999)
    assert {k: (a.count, a.verdicts, a.first, a.last) for k, a in parallel.flows.items()} == {
        k: (a.count, a.verdicts, a.first, a.last) for k, a in serial.flows.items()}
    assert parallel.peers == serial.peers
