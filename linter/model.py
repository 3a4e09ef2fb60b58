"""The common model every reader produces and every rule reads.

No rule sees raw CloudFormation or HCL: differences between the formats end in
`linter.sources`. Fields hold `V` values (located, possibly `Unknown`) or None
where the template leaves the property out; defaults are applied by
`linter.network`, where the AWS behaviour they stand for is documented.
References between resources are `Ref` values naming the resource id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from linter.values import Loc, Ref, Unknown, V, ref_id, text

CFN = "cloudformation"
TERRAFORM = "terraform"
TASKDEF = "taskdef"
# A Terraform plan JSON file (`terraform show -json`): a unit of its own, read into a
# Template of kind TERRAFORM.
TFPLAN = "tfplan"


@dataclass(frozen=True)
class Resource:
    id: str  # logical id (CFN) or address (TF, e.g. aws_subnet.private[0])
    loc: Loc  # where the resource is declared
    type: str  # the source type, e.g. AWS::EC2::Subnet or aws_subnet


@dataclass(frozen=True)
class Vpc(Resource):
    cidr: V | None = None
    dns_support: V | None = None  # default true
    dns_hostnames: V | None = None  # default false (CFN/TF)


@dataclass(frozen=True)
class Subnet(Resource):
    vpc: V | None = None
    cidr: V | None = None
    ipv6_cidr: V | None = None
    az: V | None = None  # AvailabilityZone / availability_zone (or its id)
    public_ip: V | None = None  # MapPublicIpOnLaunch (default false)
    ipv6_only: V | None = None  # Ipv6Native / ipv6_native: no IPv4 addresses at all


@dataclass(frozen=True)
class RouteTable(Resource):
    vpc: V | None = None
    main: bool = False  # TF aws_default_route_table / main association target
    routes_known: bool = True  # False when inline routes are dynamic blocks


@dataclass(frozen=True)
class Route(Resource):
    route_table: V | None = None
    destination: V | None = None  # IPv4 CIDR
    destination_v6: V | None = None
    destination_prefix_list: V | None = None
    target_attr: str = ""  # the property naming the target, e.g. NatGatewayId / gateway_id
    target: V | None = None
    depends_on: tuple[str, ...] = ()  # CFN DependsOn (the IGW attachment race, FG062)


@dataclass(frozen=True)
class RouteTableAssociation(Resource):
    route_table: V | None = None
    subnet: V | None = None
    gateway: V | None = None


@dataclass(frozen=True)
class MainRouteTableAssociation(Resource):
    vpc: V | None = None
    route_table: V | None = None


@dataclass(frozen=True)
class InternetGateway(Resource):
    vpc: V | None = None  # TF declares the attachment inline


@dataclass(frozen=True)
class GatewayAttachment(Resource):
    vpc: V | None = None
    gateway: V | None = None


@dataclass(frozen=True)
class NatGateway(Resource):
    subnet: V | None = None
    connectivity: V | None = None  # public (default) / private
    allocation: V | None = None  # the EIP a public NAT requires


@dataclass(frozen=True)
class VpcEndpoint(Resource):
    vpc: V | None = None
    service: V | None = None
    endpoint_type: V | None = None  # default Gateway in CFN and TF
    subnets: V | None = None
    security_groups: V | None = None
    route_tables: V | None = None
    private_dns: V | None = None
    policy: V | None = None  # the endpoint policy; none: full access


@dataclass(frozen=True)
class EndpointAssociation(Resource):
    """TF aws_vpc_endpoint_*_association: folded into the endpoint by the reader."""

    endpoint: V | None = None
    route_table: V | None = None
    subnet: V | None = None
    security_group: V | None = None
    policy: V | None = None  # aws_vpc_endpoint_policy: replaces the endpoint's policy


@dataclass(frozen=True)
class NaclEntry:
    """One network ACL entry, inline (TF) or from a standalone entry resource."""

    loc: Loc
    egress: bool
    number: V | None
    protocol: V | None  # -1 / 6 / 17 / tcp / udp / all
    action: V | None  # allow / deny
    cidr: V | None = None
    cidr_v6: V | None = None
    from_port: V | None = None
    to_port: V | None = None


@dataclass(frozen=True)
class NetworkAcl(Resource):
    vpc: V | None = None
    entries: tuple[NaclEntry, ...] = ()
    subnets: V | None = None  # TF subnet_ids
    # TF aws_default_network_acl: the VPC's default NACL, whose rules it replaces
    default: bool = False
    entries_known: bool = True  # False when the entry lists are dynamic


@dataclass(frozen=True)
class StandaloneNaclEntry(Resource):
    """AWS::EC2::NetworkAclEntry / aws_network_acl_rule, indexed by their NACL."""

    nacl: V | None = None
    entry: NaclEntry | None = None


@dataclass(frozen=True)
class NaclAssociation(Resource):
    subnet: V | None = None
    nacl: V | None = None


@dataclass(frozen=True)
class SgRule:
    """One ingress or egress rule, inline or from a standalone rule resource."""

    loc: Loc
    direction: str  # ingress / egress
    protocol: V | None
    from_port: V | None
    to_port: V | None
    cidr: V | None = None
    cidr_v6: V | None = None
    peer_group: V | None = None  # source (ingress) or destination (egress) SG
    prefix_list: V | None = None
    self_ref: bool = False  # TF `self = true`
    group: V | None = None  # the SG a standalone rule attaches to


@dataclass(frozen=True)
class SecurityGroup(Resource):
    vpc: V | None = None
    ingress: tuple[SgRule, ...] = ()
    egress: tuple[SgRule, ...] = ()
    # CFN keeps the default allow-all egress unless egress rules are declared;
    # the Terraform provider removes it.
    default_egress_removed: bool = False
    rules_known: bool = True  # False when the rule lists themselves are unknown
    vpc_default: bool = False  # TF aws_default_security_group: the VPC's default group


@dataclass(frozen=True)
class StandaloneSgRule(Resource):
    """AWS::EC2::SecurityGroupIngress/Egress, aws_security_group_rule and kin.

    Folded into their group by the reader when the group is in scope.
    """

    rule: SgRule | None = None


@dataclass(frozen=True)
class ExecLogging:
    """Where a cluster's ECS Exec sessions are logged (ExecuteCommandConfiguration)."""

    loc: Loc  # the ExecuteCommandConfiguration block
    logging: V | None = None  # NONE / DEFAULT (the default) / OVERRIDE
    configuration: V | None = None  # LogConfiguration / log_configuration, for its place
    log_group: V | None = None
    log_encrypted: V | None = None
    bucket: V | None = None
    bucket_encrypted: V | None = None
    prefix: V | None = None


@dataclass(frozen=True)
class Cluster(Resource):
    default_strategy: V | None = None  # list of {capacity_provider: ...}
    capacity_providers: V | None = None
    exec_kms_key: V | None = None  # ExecuteCommandConfiguration.KmsKeyId
    exec_logging: ExecLogging | None = None  # ExecuteCommandConfiguration's logging


@dataclass(frozen=True)
class CapacityProvider(Resource):
    """An ASG capacity provider (EC2)."""

    asg: V | None = None  # AutoScalingGroupProvider.AutoScalingGroupArn


@dataclass(frozen=True)
class AutoScalingGroup(Resource):
    """The container instances behind an EC2 capacity provider."""

    subnets: V | None = None  # VPCZoneIdentifier / vpc_zone_identifier
    launch: V | None = None  # the launch template or launch configuration it uses


@dataclass(frozen=True)
class LaunchTemplate(Resource):
    """A launch template or launch configuration: what the instances get."""

    public_ip: V | None = None  # AssociatePublicIpAddress (none: the subnet decides)
    user_data: V | None = None  # UserData / user_data (an HTTP proxy set there, FG018)
    security_groups: V | None = None  # the instances' groups (bridge/host targets, FG042)


@dataclass(frozen=True)
class ClusterCapacityProviders(Resource):
    cluster: V | None = None
    default_strategy: V | None = None
    providers: V | None = None  # CapacityProviders / capacity_providers


@dataclass(frozen=True)
class PortMapping:
    loc: Loc
    container_port: V | None
    host_port: V | None
    protocol: V | None = None  # tcp (default) / udp
    name: V | None = None  # the Service Connect port name
    app_protocol: V | None = None  # http / http2 / grpc (Service Connect only)
    port_range: V | None = None  # containerPortRange, "8000-8010"


@dataclass(frozen=True)
class Container:
    loc: Loc
    name: V | None
    image: V | None
    port_mappings: tuple[PortMapping, ...] = ()
    init_process: V | None = None
    readonly_root: V | None = None
    network_mode: V | None = None  # misplaced key, ignored by ECS
    log_driver: V | None = None
    log_options: V | None = None  # logConfiguration.options (awslogs-group, ...)
    environment: V | None = None  # the environment list (static credentials, FG002)
    secrets: tuple[V, ...] = ()  # valueFrom of secrets and secretOptions
    secret_names: tuple[V, ...] = ()  # the environment variables `secrets` set
    credentials: V | None = None  # repositoryCredentials.credentialsParameter
    environment_files: tuple[V, ...] = ()  # S3 object ARNs
    env_secrets: tuple[V, ...] = ()  # valueFrom of `secrets` alone (not secretOptions)
    # the portMappings value as written (its shape) and the key it was written under
    port_mappings_value: V | None = None
    port_mappings_key: str = ""
    links: V | None = None
    hostname: V | None = None
    dns_servers: V | None = None
    dns_search_domains: V | None = None
    extra_hosts: V | None = None
    disable_networking: V | None = None
    command: V | None = None
    entry_point: V | None = None

    @property
    def ports_known(self) -> bool:
        """Whether portMappings, and each of its entries, could be read."""
        v = self.port_mappings_value
        if v is None:
            return True
        return isinstance(v.value, list) and all(isinstance(x.value, dict) for x in v.value)


@dataclass(frozen=True)
class TaskDefinition(Resource):
    network_mode: V | None = None  # default bridge
    compatibilities: V | None = None
    # None when the containers are unknown (a module, a file() out of scope...)
    containers: tuple[Container, ...] | None = ()
    containers_loc: Loc | None = None
    containers_why: str = ""  # why they are unknown, for the coverage report
    os_family: V | None = None  # RuntimePlatform.OperatingSystemFamily (default LINUX)
    task_role: V | None = None  # TaskRoleArn: what the application and ECS Exec use
    execution_role: V | None = None  # ExecutionRoleArn: what the agent pulls and logs with
    efs_volumes: tuple[V, ...] = ()  # the EFS configurations of the volumes
    ephemeral_storage: V | None = None  # EphemeralStorage / ephemeral_storage
    memory: V | None = None  # task-level Memory (Service Connect requires it)


@dataclass(frozen=True)
class LoadBalancerBinding:
    loc: Loc
    target_group: V | None
    container_name: V | None
    container_port: V | None
    classic: V | None = None  # LoadBalancerName / elb_name: a Classic Load Balancer


@dataclass(frozen=True)
class Namespace(Resource):
    """A Cloud Map namespace."""

    kind: str = ""  # private (DNS in a VPC), public (DNS) or http (API only)
    vpc: V | None = None  # the VPC of a private DNS namespace


@dataclass(frozen=True)
class DiscoveryService(Resource):
    """A Cloud Map service that ECS registers tasks in."""

    namespace: V | None = None
    record_types: V | None = None  # DnsConfig.DnsRecords[].Type: A, AAAA, SRV, CNAME


@dataclass(frozen=True)
class FileSystem(Resource):
    """An EFS file system."""

    one_zone: V | None = None  # AvailabilityZoneName: a One Zone file system


@dataclass(frozen=True)
class MountTarget(Resource):
    file_system: V | None = None
    subnet: V | None = None
    security_groups: V | None = None  # none: the VPC default group (TF; CFN requires them)


@dataclass(frozen=True)
class LoadBalancer(Resource):
    """An Application or Network Load Balancer (ELBv2)."""

    lb_type: V | None = None  # application (default) / network / gateway
    internal: V | None = None  # Scheme internal / TF internal; default internet-facing
    subnets: V | None = None  # Subnets, or the subnets of SubnetMappings
    security_groups: V | None = None  # none: an ALB gets the VPC default group


@dataclass(frozen=True)
class TargetGroup(Resource):
    target_type: V | None = None  # instance (default) / ip / lambda / alb
    protocol: V | None = None
    vpc: V | None = None
    health_check_port: V | None = None  # default traffic-port
    preserve_client_ip: V | None = None  # NLB attribute preserve_client_ip.enabled
    ip_address_type: V | None = None  # ipv4 (default) / ipv6


@dataclass(frozen=True)
class Listener(Resource):
    """A listener (on `load_balancer`) or a listener rule (on `listener`), with the
    target groups its actions forward to."""

    load_balancer: V | None = None
    listener: V | None = None
    target_groups: tuple[V, ...] = ()
    actions_known: bool = True  # False when the actions are dynamic


@dataclass(frozen=True)
class Service(Resource):
    """Anything that launches tasks: a service, task set or scheduled task target."""

    cluster: V | None = None
    task_definition: V | None = None
    launch_type: V | None = None
    strategy: V | None = None  # capacity provider strategy
    network: V | None = None  # the network configuration block, for its location
    subnets: V | None = None
    security_groups: V | None = None
    assign_public_ip: V | None = None
    load_balancers: tuple[LoadBalancerBinding, ...] = ()
    load_balancers_known: bool = True  # False: a dynamic block or list we cannot read
    exec_enabled: V | None = None
    service_registries: V | None = None
    platform_version: V | None = None  # omitted / LATEST: 1.4.0 or later on Linux
    role: V | None = None  # the service's IAM role (Role / iam_role), for classic LBs
    # ServiceConnectConfiguration, camel-cased like a task definition's keys
    service_connect: V | None = None
    deployment_controller: V | None = None  # DeploymentController.Type (default ECS)
    condition: str = ""  # CFN Condition: the launcher exists only when it holds


@dataclass(frozen=True)
class Role(Resource):
    """An IAM role with the policies written on it (policies attached from elsewhere
    are `Policy` and `PolicyAttachment` resources naming it)."""

    name: V | None = None  # RoleName / name: what a policy naming the role by text says
    trust: V | None = None  # AssumeRolePolicyDocument / assume_role_policy
    inline: tuple[V, ...] = ()  # inline policy documents
    inline_known: bool = True  # False when the inline policies are themselves unknown
    managed: V | None = None  # ManagedPolicyArns / managed_policy_arns
    boundary: V | None = None  # PermissionsBoundary: a managed policy ARN


@dataclass(frozen=True)
class Policy(Resource):
    """A policy document: inline on roles (AWS::IAM::Policy, aws_iam_role_policy) or a
    customer managed policy (AWS::IAM::ManagedPolicy, aws_iam_policy) attached by ARN."""

    document: V | None = None
    roles: V | None = None  # the roles it is written on or attached to, when it says
    managed: bool = False


@dataclass(frozen=True)
class PolicyAttachment(Resource):
    """A managed policy attached to roles by a resource of its own (Terraform)."""

    roles: V | None = None
    policies: V | None = None  # policy ARNs: a `Policy` reference or a literal ARN


@dataclass(frozen=True)
class KmsKey(Resource):
    policy: V | None = None  # KeyPolicy / policy (aws_kms_key_policy replaces it)


@dataclass(frozen=True)
class KeyPolicy(Resource):
    """aws_kms_key_policy: folded into its key by the reader."""

    key: V | None = None
    policy: V | None = None


@dataclass(frozen=True)
class LogGroup(Resource):
    name: V | None = None  # LogGroupName / name; none: generated
    kms_key: V | None = None


R = TypeVar("R", bound=Resource)


@dataclass(frozen=True)
class Span:
    """The lines a resource declaration occupies (inclusive): a suppression on its
    first line covers all of them."""

    file: str
    first: int
    last: int


@dataclass(frozen=True)
class Ignore:
    """One rule id a template suppresses over a range of lines (inclusive)."""

    rule: str
    reason: str
    loc: Loc  # where the suppression is written; an unused one is reported here
    first: int
    last: int
    problem: str = ""  # set when the suppression could not be understood


def fargate_compatible(td: TaskDefinition) -> bool:
    """`RequiresCompatibilities` names FARGATE."""
    return td.compatibilities is not None and any(
        (text(c) or "").upper() == "FARGATE" for c in td.compatibilities.items()
    )


def dropped_key(rtype: str, owner: str) -> str:
    """How a resource left out for one owner is recorded in `Template.dropped`: a
    CloudFormation route for its table, an association for its subnet."""
    return f"{rtype} of {owner}"


@dataclass
class Template:
    """One unit of analysis: a CFN file, a TF directory or a task-definition file."""

    kind: str
    path: str  # the file, or the Terraform directory
    files: tuple[str, ...] = ()
    resources: dict[str, Resource] = field(default_factory=dict)
    # ids whose values other stacks or modules may extend (CFN exports, TF outputs)
    exported: set[str] = field(default_factory=set)
    # source types with instances we could not count (unknown count/for_each):
    # absence of such a resource can never be concluded
    uncertain: set[str] = field(default_factory=set)
    # source types with instances dropped by count = 0 / empty for_each resting on
    # assumptions (a variable default): absence of such a resource is assumed too
    dropped: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the source type of every resource id, modelled or not (what a Ref points at)
    types: dict[str, str] = field(default_factory=dict)
    # every resource declaration's lines, modelled or not (inline suppressions)
    spans: list[Span] = field(default_factory=list)
    # suppressions the format carries outside comments (CloudFormation Metadata)
    ignores: list[Ignore] = field(default_factory=list)
    # for each uncertain type, why and where its count first became unknown (coverage)
    unsure: dict[str, tuple[str, Loc]] = field(default_factory=dict)
    # what the unit could not see at all (a module not downloaded): (what, where)
    blind: list[tuple[str, Loc]] = field(default_factory=list)
    # Terraform module instances ("module.vpc.") and where each is called
    calls: dict[str, Loc] = field(default_factory=dict)
    # resource ids handed to a module that was not read -> that module's address
    handed: dict[str, str] = field(default_factory=dict)
    # resource id -> the CDK construct path that made it (aws:cdk:path metadata)
    constructs: dict[str, str] = field(default_factory=dict)
    # the Region the resources are deployed to, when the files say (a Terraform
    # provider's literal region); None when unknown (CloudFormation's AWS::Region)
    region: V | None = None
    # resource id -> what it waits for: CloudFormation DependsOn of every resource, and
    # the resources a launcher references (creation order, FG034)
    depends: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, r: Resource) -> None:
        self.resources[r.id] = r

    def of(self, cls: type[R]) -> list[R]:
        return [r for r in self.resources.values() if isinstance(r, cls)]

    def get(self, rid: str, cls: type[R]) -> R | None:
        r = self.resources.get(rid)
        return r if isinstance(r, cls) else None

    def deref(self, v: V | None, cls: type[R]) -> R | None:
        """The resource of that type a value refers to, when it is defined here."""
        rid = ref_id(v)
        return self.get(rid, cls) if rid else None

    def uncount(self, rtype: str, why: str, loc: Loc) -> None:
        """Resources of `rtype` may exist that could not be counted (the first reason
        is kept for the coverage report): absence of one is never concluded."""
        self.uncertain.add(rtype)
        self.unsure.setdefault(rtype, (why, loc))

    def drop(self, rtype: str, assumed: tuple[str, ...]) -> None:
        """Resources of `rtype` were left out on these assumptions (count = 0 resting on
        a variable default): their absence is assumed too."""
        if assumed:
            self.dropped[rtype] = tuple(dict.fromkeys(self.dropped.get(rtype, ()) + assumed))

    def uncertain_why(self, *types: str) -> str:
        """Why resources of one of these types could not be counted, or ""."""
        for t in types:
            if t in self.uncertain:
                why, _ = self.unsure.get(t, (f"the count of a {t} is unknown", Loc("")))
                return why
        return ""

    def why_unknown(self, v: V | None, what: str) -> str:
        """Why `what` (a value naming a resource) cannot be followed in this unit."""
        if v is None:
            return f"{what} is not given"
        if isinstance(v.value, Unknown):
            return f"{what}: {v.value.reason}"
        if isinstance(v.value, list):
            for x in v.value:
                if isinstance(x.value, list):  # ids are a flat list: no deeper look
                    return f"{what}: a list inside the list"
                if not isinstance(x.value, Ref) or x.value.id not in self.resources:
                    return self.why_unknown(x, what)
            return ""
        if isinstance(v.value, Ref):
            if v.value.id not in self.resources:
                return f"{what}: {v.value.id} is not defined in this unit"
            if v.value.attr not in ("", "id", "arn", "name"):
                return f"{what}: {v.value.id}.{v.value.attr} is not followed"
            return ""
        return f"{what}: {v.value!r} is not defined in this unit"
