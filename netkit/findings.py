"""Findings and the rule catalogue: stable ids, severities and titles, why each rule matters,
its fix and a tested example; one verdict each."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from netkit.objects import KubeObject

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
DOCS_URL = "https://netkit.dev/reference/rules/"
EXAMPLES = "rule_examples"  # package data: NKxxx.yaml or NKxxx.py, and NKxxx_fixed.*


@dataclass(frozen=True)
class Example:
    """A file that shows a rule: ``netkit validate`` on it reports the rule, or, for the
    fixed example, no longer does."""

    name: str
    text: str
    options: tuple[str, ...] = ()
    verb: tuple[str, ...] = ("validate",)

    @property
    def language(self) -> str:
        """``python`` for a blueprint, ``json`` for a flow log, else ``yaml``."""
        return ("python" if self.name.endswith(".py") else
                "json" if self.name.endswith(".jsonl") else "yaml")

    @property
    def args(self) -> list[str]:
        """The ``netkit`` arguments that check the example in its own directory."""
        return [*self.verb, self.name, *self.options]

    @property
    def command(self) -> str:
        """The command line that checks it: ``netkit validate NK101.yaml``."""
        return " ".join(["netkit", *self.args])


@dataclass(frozen=True)
class Rule:
    """A finding rule: its id, severity and title; why it matters and how to fix it."""

    id: str
    severity: Severity
    title: str
    rationale: str
    fix: str
    # `netkit validate` options the fixed example needs besides its file name
    fixed_options: tuple[str, ...] = ()
    # and those the example itself needs
    example_options: tuple[str, ...] = ()
    # the command that reports the rule, before the example's file name
    verb: tuple[str, ...] = ("validate",)
    # more files in rule_examples the command reads, for the example and the fixed one
    companions: tuple[str, ...] = ()

    @property
    def help_uri(self) -> str:
        """The rule's section of the documentation."""
        return f"{DOCS_URL}#{self.id.lower()}"

    def example(self, *, fixed: bool = False) -> Example:
        """The example that triggers the rule, or its fixed counterpart."""
        folder = resources.files("netkit").joinpath(EXAMPLES)
        stem = f"{self.id}_fixed" if fixed else self.id
        for name in (f"{stem}.yaml", f"{stem}.py", f"{stem}.jsonl"):
            file = folder.joinpath(name)
            if file.is_file():
                return Example(name, file.read_text(encoding="utf-8"),
                               self.fixed_options if fixed else self.example_options,
                               self.verb)
        raise LookupError(f"no example {stem}.yaml, {stem}.py or {stem}.jsonl in "
                          f"netkit/{EXAMPLES}")

    def companion_files(self) -> list[Example]:
        """The other files the example's command reads."""
        folder = resources.files("netkit").joinpath(EXAMPLES)
        return [Example(name, folder.joinpath(name).read_text(encoding="utf-8"))
                for name in self.companions]


_RULES = [
    Rule("NK001", "error", "object does not match its schema",
         "The API server rejects an object whose fields have the wrong type or shape, so the "
         "apply (or the GitOps sync) fails; a field it does not know is dropped, so the "
         "setting silently never takes effect.",
         "Correct the field the finding names to the type and name the schema expects "
         "(`kubectl explain KIND.FIELD` shows it)."),
    Rule("NK002", "warning", "no schema for this kind",
         "Without the kind's CustomResourceDefinition netkit cannot check the object's "
         "fields, so typos and wrong types in custom resources reach the cluster unnoticed; "
         "only the API server's generic rules and the cross-object checks apply.",
         "Pass the CRD with `--crds FILE_OR_DIR` (or list it in `[tool.netkit] crds`), so the "
         "object is checked against its schema.",
         fixed_options=("--crds", "NK002_fixed.yaml")),
    Rule("NK003", "error", "not a Kubernetes object",
         "A YAML document without `apiVersion` and `kind` is nothing the cluster can apply: "
         "`kubectl apply` fails on it and GitOps tools stop syncing the directory. It is "
         "usually a values file or a fragment that landed among the manifests.",
         "Give the document its `apiVersion` and `kind`, or move files that are not "
         "manifests out of the manifests directory."),
    Rule("NK004", "warning", "a CEL rule of the CRD was not evaluated",
         "The API server evaluates every `x-kubernetes-validations` rule of a custom "
         "resource; a rule netkit cannot evaluate (a function or value its CEL engine lacks) "
         "is a check that did not happen, so an object it would reject can pass here.",
         "Check the rule by hand or with `kubectl apply --dry-run=server`; report the rule so "
         "netkit can evaluate it.",
         fixed_options=("--crds", "NK004_fixed.yaml"),
         example_options=("--crds", "NK004.yaml")),
    Rule("NK005", "error", "the cluster does not serve this version",
         "A CRD lists the versions the API server serves; an object in any other version "
         "(one a newer CRD dropped, or an experimental one the installed channel lacks) is "
         "refused at apply time with \"no matches for kind\".",
         "Change `apiVersion` to a served version, or install the CRD (channel) that serves "
         "it."),
    Rule("NK010", "error", "kube-apiserver would reject the object",
         "The object fits its schema but breaks a rule the API server checks in code "
         "(required names, value ranges, combinations of fields), so the apply is refused at "
         "deploy time instead of in review.",
         "Change the field the finding names as its message says: the message is the one "
         "`kubectl apply` would print."),
    Rule("NK011", "warning", "kube-apiserver would warn, or a field has no effect",
         "The API server accepts the object but answers with a warning that `kubectl apply` "
         "prints and GitOps tools hide: a deprecated field or annotation, an address in a form "
         "a later release will reject, or a field the object's type ignores. The setting does "
         "not do what it says, or stops working on an upgrade.",
         "Change the field as the message says (it is the warning the API server sends), or "
         "remove the field that has no effect."),
    Rule("NK012", "info", "not a Kubernetes manifest, skipped",
         "Chart metadata, values files, kustomize configuration and other YAML or JSON "
         "without `apiVersion` and `kind` are not objects for the cluster; they are left out "
         "and listed, so nothing is dropped without a word.",
         "Nothing to do for files that are not meant for the cluster; give a document meant "
         "for it its `apiVersion` and `kind`."),
    Rule("NK013", "error", "API version no longer served",
         "Kubernetes removed this API version (or never served it): the API server refuses "
         "the object with `no matches for kind`, and a GitOps sync of the directory fails.",
         "Move the object to the served apiVersion the hint names (`kubectl convert` "
         "rewrites the fields where the schema changed)."),
    Rule("NK014", "warning", "template, not a manifest",
         "A Helm (or other Go) template is not YAML the cluster can apply until it is "
         "rendered, so netkit cannot check it: the file is reported once and left out, and "
         "the rest of the tree is validated.",
         "Validate what the chart renders to (`helm template CHART | netkit validate -`), or "
         "leave templates out of the walk with `--exclude templates`."),
    Rule("NK101", "warning", "Service selects no workload",
         "A Service whose selector matches no pod has no endpoints: clients get connection "
         "refused or time out, and routes to it answer 503, although every object applies "
         "cleanly.",
         "Make the Service's `spec.selector` match the pod template labels "
         "(`spec.template.metadata.labels`) of the workload it fronts."),
    Rule("NK102", "error", "route backend Service does not exist",
         "A route to a Service that does not exist sends its traffic nowhere: the gateway or "
         "ingress controller answers 500 or 503 on that host and path.",
         "Point the backend at an existing Service (in the route's namespace unless the "
         "reference names another), or create the Service."),
    Rule("NK103", "error", "route backend port is not a port of the Service",
         "A route's backend port must be one of the Service's `port`s, not the pods' "
         "container port; otherwise the controller finds no endpoint and the path answers "
         "503.",
         "Use the Service's `port` (or, on an Ingress, its port name) in the backend "
         "reference."),
    Rule("NK104", "error", "named targetPort is not a port of the selected pods",
         "A Service's named `targetPort` is looked up among the containers' port names; "
         "with no such name the Service has no ready endpoints and connections to it fail.",
         "Name the container port (`ports[].name`) as the Service's `targetPort` says, or "
         "use the port number."),
    Rule("NK105", "warning", "NetworkPolicy selects no pods",
         "A policy whose `podSelector` matches no pod protects nothing: the pods it was "
         "written for stay open (or stay cut off, if another policy isolates them), and "
         "nothing reports it.",
         "Make `spec.podSelector` match the labels of the pods the policy is for (an empty "
         "selector selects every pod of the namespace)."),
    Rule("NK106", "warning", "NetworkPolicy peer selects nothing",
         "A peer selector that matches no pod or namespace allows nothing, so the flow the "
         "rule was written for is denied once the pods are isolated: typically an outage "
         "right after the policy is applied.",
         "Make the peer's `podSelector` or `namespaceSelector` match the labels the peers "
         "carry (every namespace carries `kubernetes.io/metadata.name`)."),
    Rule("NK107", "warning", "egress is denied without DNS egress",
         "Once a policy isolates egress, DNS lookups are denied too unless a rule allows "
         "them, so every connection by host name fails even where an egress rule allows the "
         "connection itself.",
         "Allow egress to kube-dns (namespace `kube-system`, pods `k8s-app: kube-dns`) on UDP "
         "and TCP port 53 in a policy of the namespace."),
    Rule("NK108", "error", "host and path routed twice",
         "When two routes claim the same host and path, the controller serves one of them "
         "(for Gateway API the oldest) and silently ignores the other, so a deploy can move "
         "traffic without any error.",
         "Route each host and path once: merge the routes or give them different paths or "
         "hosts; for a traffic split use backend weights or a canary."),
    Rule("NK109", "error", "canary Ingress without its main route",
         "ingress-nginx applies a canary Ingress only beside a non-canary Ingress for the "
         "same host and path; without one the canary is ignored and no traffic reaches it.",
         "Route the host and path in a main (non-canary) Ingress first, or drop the canary "
         "annotations."),
    Rule("NK110", "warning", "TLS host is not routed",
         "A host listed under `tls` but in no rule gets a certificate and no route, so its "
         "requests reach the controller's default backend (404): usually a host someone "
         "meant to serve.",
         "Add a rule for the host, or remove it from `spec.tls[].hosts`."),
    Rule("NK111", "warning", "one TLS Secret shared by different host sets",
         "A TLS Secret holds one certificate; Ingresses that share it for different hosts "
         "serve a certificate that does not name some of them (clients refuse it), and "
         "cert-manager reissues the Secret for each Ingress's hosts in turn.",
         "Give each host set its own `secretName`."),
    Rule("NK112", "error", "cert-manager annotation and Certificate manage one Secret",
         "The issuer annotation makes cert-manager create a Certificate of its own for the "
         "Ingress's Secret; with a second Certificate for the same Secret the two keep "
         "reissuing it, which burns ACME rate limits and can serve the wrong certificate.",
         "Keep one owner: drop the `cert-manager.io/cluster-issuer` (or `issuer`) annotation "
         "and keep the Certificate, or delete the Certificate."),
    Rule("NK113", "warning", "ingress-nginx is retired",
         "ingress-nginx was retired (maintenance ended March 2026): vulnerabilities found "
         "from now on are not fixed, and every Ingress it serves keeps it in the cluster.",
         "Move the routes to Gateway API on a maintained implementation (netkit renders "
         "HTTPRoutes with the target `ingress=gateway-api`)."),
    Rule("NK114", "error", "the CNI does not enforce NetworkPolicy",
         "Some CNIs (flannel, for one) route pods but ignore NetworkPolicy, so every policy "
         "applies without error and denies nothing: the isolation exists only on paper.",
         "Run a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea, ...), and set the "
         "blueprint's Target to the CNI the cluster really runs."),
    Rule("NK115", "warning", "LoadBalancer without source ranges",
         "A LoadBalancer Service without `loadBalancerSourceRanges` gets an address that "
         "accepts connections from anywhere on the internet, not only from the clients it "
         "is for; scanners find it within minutes.",
         "Set `spec.loadBalancerSourceRanges` to the clients' CIDRs, or expose the workload "
         "through a gateway instead."),
    Rule("NK116", "warning", "ingress from the whole internet",
         "An ingress rule from `0.0.0.0/0` (or `::/0`) admits every address, inside the "
         "cluster and out, so the policy no longer limits who reaches those pods on those "
         "ports.",
         "Narrow `ipBlock.cidr` to the networks that need access, or put the workload behind "
         "a gateway and allow only the gateway's pods."),
    Rule("NK117", "warning", "rule allows every port",
         "A rule without `ports` (or a port entry without `port`) opens every port of the "
         "selected pods to its peers, including admin, debug and metrics ports nobody meant "
         "to expose.",
         "List the ports the flow needs under the rule's `ports`."),
    Rule("NK126", "error", "route or ListenerSet parent does not exist",
         "A route or ListenerSet whose parent reference names no existing Gateway, listener "
         "or ListenerSet is attached to nothing: the API server accepts it, and it serves "
         "no traffic.",
         "Reference an existing Gateway (and one of its listener names), or create the "
         "parent."),
    Rule("NK127", "error", "parent does not admit the route or ListenerSet",
         "A Gateway listener admits routes from its own namespace only unless "
         "`allowedRoutes` says otherwise (and a Gateway admits no ListenerSets unless "
         "`allowedListeners` does), so a route from another namespace is refused and serves "
         "nothing.",
         "Set the listener's `allowedRoutes.namespaces.from` (`All`, or `Selector` matching "
         "the route's namespace), or the Gateway's `allowedListeners` for ListenerSets."),
    Rule("NK121", "info", "rate limit is enforced per proxy replica",
         "A local rate limit is counted by each proxy replica on its own, so N replicas "
         "admit N times the configured rate, and scaling the gateway silently raises the "
         "limit.",
         "If the limit must hold cluster-wide, divide the rate by the replica count (then "
         "acknowledge with the annotation `netkit.dev/ignore: NK121`), or use a global "
         "limit."),
    Rule("NK122", "warning", "rate limit needs the gateway's global rate limit service",
         "Envoy Gateway enforces a Global rate limit only through its global rate limit "
         "service, which is off by default; without it the policy is rejected and nothing "
         "is limited.",
         "Enable the rate limit service (a Redis backend in the EnvoyGateway configuration), "
         "or use a local limit: `rateLimit.local` in YAML, no `per_client_ip=True` in a "
         "blueprint."),
    Rule("NK123", "warning", "rate-limited Service has no entry point",
         "netkit enforces a RateLimitedService's limit at the entry point that routes to "
         "it; when no TlsIngress routes to the Service the limit is rendered nowhere, and "
         "traffic that reaches the Service is not limited at all.",
         "Route the Service from a TlsIngress (`site.route(path, service)`), or make it a "
         "plain Service if it needs no limit."),
    Rule("NK124", "warning", "wildcard certificate needs a DNS-01 solver",
         "ACME CAs such as Let's Encrypt issue wildcard certificates only through the DNS-01 "
         "challenge; with an HTTP-01 issuer the Certificate never becomes ready and the "
         "hosts serve no valid TLS.",
         "Give the issuer a DNS-01 solver for the domain, or list the hosts one by one "
         "instead of `*.domain`."),
    Rule("NK125", "warning", "a workload's selector also selects another workload's pods",
         "When one workload's labels are a subset of another's, every Service and policy "
         "that selects the first also selects the second's pods: the classic stable/canary "
         "mix-up, where the canary gets stable traffic and stable rules.",
         "Give each workload a label the other lacks (e.g. `track: stable` and "
         "`track: canary`), so each selector picks only its own pods."),
    Rule("NK140", "warning", "NetworkPolicy and the mesh disagree on a flow",
         "NetworkPolicy and the mesh's identity-based authorization are two layers of one "
         "defence: when one allows a connection the other denies, the flow fails in a way "
         "neither layer explains, or one layer silently carries the whole protection.",
         "Make both layers say the same: allow the flow in NetworkPolicy and authorize the "
         "client's service account in the mesh, or deny it in both."),
    Rule("NK201", "warning", "policy kind not analysed",
         "Reachability reads NetworkPolicy, ClusterNetworkPolicy (and the older "
         "AdminNetworkPolicy) and Cilium policies; a Calico, Antrea, Istio or Linkerd policy "
         "also decides traffic, so flows the audit reports as open may be denied, or the "
         "reverse.",
         "Express the rule in a kind netkit analyses (NetworkPolicy, ClusterNetworkPolicy or "
         "CiliumNetworkPolicy), or verify the flows it governs by other means."),
    Rule("NK202", "warning", "cluster policies share a priority in one tier",
         "When two ClusterNetworkPolicies (or AdminNetworkPolicies) of one tier have the same "
         "priority and both match a connection, upstream leaves open which one decides: the "
         "verdict may differ between network plugins and even between restarts.",
         "Give every policy of a tier its own `priority`, lower numbers first."),
    Rule("NK203", "warning", "policy peer not resolved by the analysis",
         "A Cilium rule on Services, nodes, cloud groups or CIDR groups, a host policy, or a "
         "network-policy-api `nodes` peer names things netkit does not model, so the audit "
         "treats that peer as matching nothing and may report flows denied that are allowed.",
         "Select the peers by pod labels, entities or CIDRs (a Service by its selector with "
         "`toEndpoints`), or verify those flows by other means."),
    Rule("NK220", "warning", "policies in a namespace whose pods the input omits",
         "The analysis knows pods only from the input: with NetworkPolicies but no Pod, "
         "workload or declared workload in their namespace, an audit shows none of the flows "
         "they allow or deny there, and a zero-trust review passes on an empty picture.",
         "Add the namespace's workloads to the input (`kubectl get pods,deployments -n NS -o "
         "yaml`), audit the blueprints, or synthesize the output again so that it records "
         "the declared workloads in `.netkit/workloads.yaml`."),

    Rule("NK401", "warning", "flow log line is not a flow record",
         "A line that cannot be read is a flow nobody judged: if it was a connection the "
         "policies deny, the audit passes and the outage follows the rollout.",
         "Fix the line the finding names (valid JSON with `source`, `destination`, `IP` and "
         "`l4`, or a plain CSV row with src, dst, protocol and port), or drop it.",
         verb=("audit", "--flows")),
    Rule("NK402", "info", "allow rule used by no observed flow",
         "A rule that admitted none of the traffic observed over a representative window is "
         "access nobody needs, and least privilege means removing it.",
         "Remove or narrow the rule (peers and ports) if the flow log covers the traffic "
         "that matters; keep it if it serves traffic the window did not include.",
         verb=("audit", "--flows", "NK402.flows.jsonl"), companions=("NK402.flows.jsonl",)),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def find_rule(rule_id: str, where: str | None = None) -> Rule:
    """The rule with id ``rule_id`` (any case); an unknown id is an error (at ``where``, else
    at the id) naming the closest ids."""
    from difflib import get_close_matches

    from netkit.errors import ConfigError

    found = RULES.get(rule_id.strip().upper())
    if found is None:
        close = get_close_matches(rule_id.strip().upper(), RULES, n=3, cutoff=0.6)
        options = " or ".join(filter(None, [", ".join(close[:-1]), *close[-1:]]))
        message = f"no such rule {rule_id!r}" if where else "no such rule"
        raise ConfigError(where or rule_id, message,
                          hint=f"did you mean {options}?" if close else "`netkit rules` lists them")
    return found


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one object (or construct), with a hint; its severity is the
    rule's."""

    rule: str
    message: str
    object: str = ""
    field: str | None = None
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    origin: str | None = None
    # what the verdict considered: "object", or the objects of one "file", "dir" or "all"
    scope: str | None = None
    site: tuple[str, int] | None = None  # a construct finding's place in its blueprint file

    @property
    def severity(self) -> Severity:
        """The rule's severity, from the catalogue."""
        return RULES[self.rule].severity

    @classmethod
    def on(cls, rule: str, item: KubeObject, message: str, *, field: str | None = None,
           hint: str | None = None) -> Finding:
        """A finding about ``item``, located where it came from."""
        origin = (f"{item.blueprint}:{item.origin}" if item.blueprint and item.origin
                  else item.origin)
        return cls(rule=rule, message=message, object=item.ref, field=field or None,
                   hint=hint, file=item.file, line=item.line, origin=origin, site=item.site)

    @property
    def where(self) -> str:
        """file:line when known, else the construct path, else the object."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.origin or self.object

    def line_text(self) -> str:
        """One line: ``severity: where: [rule] message (hint: ...)``."""
        field = f" {self.field}:" if self.field else ""
        obj = f" {self.object}:" if self.object and self.object != self.where else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.severity}: {self.where}:{obj}{field} [{self.rule}] {self.message}{hint}"
