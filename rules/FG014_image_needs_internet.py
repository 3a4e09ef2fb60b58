"""FG014 — endpoint-only egress with an image that PrivateLink cannot serve

## What it does
Finds Fargate services whose subnets have no internet egress (no NAT route, no
public IP) in a VPC that relies on interface endpoints, and whose tasks run an
image from a registry other than private ECR: Docker Hub (`nginx:1.25`,
`library/redis`, `docker.io/...`), Amazon ECR Public (`public.ecr.aws/...`),
`ghcr.io`, `quay.io`, `registry.gitlab.com`, `mcr.microsoft.com` or any other
host that is not `<account>.dkr.ecr.<region>.amazonaws.com`.

## Why is this bad?
No VPC endpoint serves Docker Hub or the other public registries, and the ECR
endpoints do not serve ECR Public. Fargate pulls the image through the task's
ENI, the connection has nowhere to go, and every launch fails with
`CannotPullContainerError: ... dial tcp ...:443: i/o timeout` (or
`context canceled`).

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    RequiresCompatibilities: [FARGATE]
    ContainerDefinitions:
      - Name: web
        Image: nginx:1.25   # Docker Hub, from a subnet with only VPC endpoints
```
```hcl
container_definitions = jsonencode([{
  name  = "web"
  image = "public.ecr.aws/nginx/nginx:1.25"   # ECR Public: no VPC endpoint serves it
}])
```

## Use instead
Mirror the image into a private ECR repository in the task's Region, for
example with a pull-through cache rule (its first pull of an image needs NAT):
```yaml
      - Name: web
        Image: !Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:1.25
```
```hcl
  image = "${aws_ecr_repository.web.repository_url}:1.25"
```
Or give the task subnets a default route to a NAT gateway.

## Known problems
Silent when the image comes from a parameter or variable without a known
value, and when the VPC has no interface endpoints at all (FG010, FG011 and
FG060 report the missing way out instead). An HTTP proxy reached through a
transit gateway or another route is not seen. ECR repositories in another
Region and the first pull through a pull-through cache rule are not checked.

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import reach
from linter.findings import Finding, RuleMeta, Step
from linter.network import NAT
from linter.rulekit import Context, Placement, finding
from linter.values import shape

META = RuleMeta(
    id="FG014",
    name="image-needs-internet",
    severity="error",
    summary="Endpoint-only subnets and an image from a registry VPC endpoints cannot serve",
    formats=("cloudformation", "terraform"),
)

# Registries by host; any other host is named by itself.
_REGISTRIES = {
    "docker.io": "Docker Hub",
    "index.docker.io": "Docker Hub",
    "registry-1.docker.io": "Docker Hub",
    "registry.hub.docker.com": "Docker Hub",
    "public.ecr.aws": "Amazon ECR Public",
    "ghcr.io": "GitHub Container Registry (ghcr.io)",
    "quay.io": "Quay (quay.io)",
    "registry.gitlab.com": "GitLab Container Registry (registry.gitlab.com)",
    "mcr.microsoft.com": "Microsoft Container Registry (mcr.microsoft.com)",
    "gcr.io": "Google Container Registry (gcr.io)",
    "registry.k8s.io": "the Kubernetes registry (registry.k8s.io)",
}


def registry(image: str) -> str:
    """The registry an image reference pulls from, as a reader knows it. As Docker
    parses a reference, the first component is a host only when it has a dot or a
    port, or is `localhost`: `nginx:1.25` and `bitnami/redis` are Docker Hub's."""
    first, slash, _ = image.partition("/")
    if not slash or not ("." in first or ":" in first or first == "localhost"):
        return "Docker Hub"
    host = first.lower()
    return _REGISTRIES.get(host, host)


def _private_ecr_like(image: str) -> bool:
    """An ECR host the reach module did not recognise (a dual-stack `dkr-ecr` name, an
    unusual spelling): endpoints may well serve it, so it is not this rule's."""
    host = image.partition("/")[0].lower()
    return ".dkr.ecr" in host or ".dkr-ecr." in host


def _image(p: Placement, need: reach.Need) -> tuple[str, tuple[str, ...]]:
    """The image the need was recorded for, and what its value rests on (a default)."""
    for c in (p.td.containers if p.td is not None else None) or ():
        if c.image is not None and c.image.loc == need.loc and (img := shape(c.image)):
            return img, c.image.assumed
    return need.why.removeprefix("the image "), ()


def check(ctx: Context) -> Iterator[Finding]:
    for p in ctx.placements:
        if p.launch != "FARGATE":
            continue  # on EC2 the container instance pulls the image
        r = ctx.reach(p)
        need = next((n for n in r.needs if n.service == reach.INTERNET), None)
        if need is None:
            continue  # (the VPC may be unknown: no endpoint serves these registries anyway)
        image, image_assumed = _image(p, need)
        if _private_ecr_like(image):
            continue
        # A VPC without interface endpoints has no way out at all: FG010, FG011 and
        # FG060 name that root cause (reach records no endpoint gap there either); a
        # route to a NAT that cannot reach the internet is FG061's.
        hits = [
            sr
            for sr in r.subnets
            if sr.endpoint_only
            and ctx.net.isolated(sr.subnet) is None
            and ctx.net.default_route(sr.subnet).kind != NAT
        ]
        if not hits:
            continue
        sr = hits[0]
        subnets = list(dict.fromkeys(s.subnet.id for s in hits))
        where = "subnet " + subnets[0] if len(subnets) == 1 else f"subnets {', '.join(subnets)}"
        steps = (
            Step(f"{p.svc.id} places tasks in subnet {sr.subnet.id}", sr.ref.loc),
            *sr.egress.steps,
            Step(f"{need.why} needs the internet (here)", need.loc),
        )
        yield finding(
            META,
            f"tasks of {p.svc.id} in {where} have no internet egress ({sr.egress.why}) and "
            f"pull the image {image} from {registry(image)}, which VPC endpoints cannot "
            "serve: CannotPullContainerError (i/o timeout) on every launch",
            p.where,
            p.svc.id,
            path=tuple(dict.fromkeys(steps)),
            assumed=p.assumed + sr.egress.assumed + image_assumed,
            fix="Mirror the image into a private ECR repository in the same Region (for "
            "example with an ECR pull-through cache rule, whose first pull of an image "
            "needs NAT), or route the subnets to a NAT gateway.",
        )
