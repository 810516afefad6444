"""`account import`: an account's IAM from GetAccountAuthorizationDetails files, built through
the service layer so that every name rule, quota and document check of a create applies.

The account is built apart from the store and put in only when all of it is valid; the
caller's transaction writes nothing if anything raises. What had to change on the way in
(unique IDs that are not AWS-shaped, a policy name taken from its ARN, AWS managed policy
versions that differ from the shipped ones, AWS managed policies iamctl does not ship, kept
from the file for that account) is counted in the report.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iamctl.core import managed
from iamctl.core.errors import IamError, already_exists, invalid_input, limit_exceeded, no_such_entity
from iamctl.core.model import Account, AwsPolicyOverride, OidcProvider, PolicyVersion, SamlProvider, StoreData
from iamctl.core.names import ID_PREFIX, check_name, check_path, iam_arn, new_unique_id, now_iso
from iamctl.core.service import accounts, groups, instance_profiles, policies, quotas, roles, users
from iamctl.core.service.lookup import FoldedNames
from iamctl.core.service.trust import check_trust
from iamctl.core.transfer.details_file import Details, Page, document_text, group_pages, read_page, source_of

_VERSION_ID = re.compile(r"v[1-9][0-9]*")
# What to tell someone whose file names an AWS managed policy iamctl does not ship without its document.
_EXPORT_AWS_POLICIES = ("Export the AWS managed policies too: 'aws iam get-account-authorization-details "
                        "--filter User Role Group LocalManagedPolicy AWSManagedPolicy'.")


@dataclass
class Report:
    """What one account's import created and adjusted."""

    account_id: str
    created: dict[str, int] = field(default_factory=dict)
    new_ids: dict[str, str] = field(default_factory=dict)  # the file's ID → the AWS-shaped one given
    ids_replaced: int = 0  # IDs not AWS-shaped, taken twice or missing, given new ones
    named_from_arn: int = 0  # managed policies without PolicyName (named from their ARN)
    dates_added: int = 0  # entities without CreateDate (given the import's time)
    versions_added: int = 0  # documents without Version (given the 2008-10-17 AWS reads them as)
    aws_versions: list[str] = field(default_factory=list)  # "ReadOnlyAccess v183 (shipped: v182)"
    aws_kept: list[str] = field(default_factory=list)  # AWS managed policies iamctl does not ship, kept
    replaced: bool = False
    providers_missing: list[str] = field(default_factory=list)  # named by trust policies, not in the store

    def summary(self) -> str:
        c = self.created
        made = ", ".join([_count(c["users"], "user"), _count(c["groups"], "group"), _count(c["roles"], "role"),
                          _count(c["profiles"], "instance profile"),
                          f"{_count(c['policies'], 'customer managed policy')} ({_count(c['versions'], 'version')})",
                          _count(c["aws"], "AWS managed policy")])
        adjusted = []
        if self.ids_replaced:
            adjusted.append(f"{_count(self.ids_replaced, 'unique ID')} replaced (not AWS-shaped, or missing)")
        if self.named_from_arn:
            adjusted.append(f"{_count(self.named_from_arn, 'managed policy')} without PolicyName named from the ARN")
        if self.dates_added:
            adjusted.append(f"{_count(self.dates_added, 'entity')} without CreateDate dated now")
        if self.versions_added:
            adjusted.append(f"{_count(self.versions_added, 'policy document')} without Version given the "
                            '"2008-10-17" AWS reads them as')
        if self.aws_kept:
            adjusted.append(f"kept {_count(len(self.aws_kept), 'AWS managed policy')} iamctl does not ship "
                            f"({', '.join(self.aws_kept)})")
        if self.aws_versions:
            adjusted.append("the file's version wins over the shipped one for AWS managed "
                            + ", ".join(self.aws_versions))
        verb = "Replaced the IAM of" if self.replaced else "Imported"
        line = f"{verb} account {self.account_id}: {made}; adjusted: {'; '.join(adjusted) or 'nothing'}."
        if self.providers_missing:  # not an adjustment: the file format has no providers
            line += (f" Trust policies name identity providers the file cannot hold; register them with "
                     f"'iamctl account idp create-saml|create-oidc': {', '.join(self.providers_missing)}.")
        return line


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"


def import_files(
    data: StoreData,
    files: list[tuple[str, str]],
    *,
    account_id: str | None = None,
    alias: str | None = None,
    replace: bool = False,
) -> list[Report]:
    """Import every account that *files* ((name, text) pairs) hold into *data*."""
    pages: list[Page] = [read_page(source, text) for source, text in files]
    found = group_pages(pages, account_id)
    if alias is not None and len(found) > 1:
        raise invalid_input(f"--alias names one account, but the files hold {len(found)}.")
    for details in found:
        accounts.check_account_id(details.account_id)
        if details.account_id in data.accounts and not replace:
            raise already_exists(f"Account {details.account_id} already exists in the store (--replace replaces "
                                 "its IAM entities).")
    reports = []
    for details in found:
        builder = _Builder(data, details)
        builder.build()
        _install(data, builder.account, alias, replace)
        builder.report.replaced = builder.existed
        reports.append(builder.report)
    return reports


# ---------------------------------------------------------------- building one account


@contextlib.contextmanager
def _about(what: str) -> Iterator[None]:
    """Name the entity (and its file) in an error from the service layer, which only
    knows the one value it checked."""
    try:
        yield
    except IamError as exc:
        if exc.message.startswith(f"{what}:"):
            raise  # the importer's own checks name the entity already
        exc.message = f"{what}: {exc.message}"
        exc.args = (f"{exc.code}: {exc.message}",)
        raise


class _Accounts(Mapping[str, Account]):
    """The store's accounts with the one being built in place of its old self, so that
    trust policies naming its own users and roles are checked against the import."""

    def __init__(self, data: StoreData, account: Account) -> None:
        self.data, self.account = data, account

    def __getitem__(self, key: str) -> Account:
        return self.account if key == self.account.id else self.data.accounts[key]

    def __iter__(self) -> Iterator[str]:
        yield from (k for k in self.data.accounts if k != self.account.id)
        yield self.account.id

    def __len__(self) -> int:
        return len(set(self.data.accounts) | {self.account.id})


_TYPE_WORDS = {str: "a string", int: "an integer", list: "a list", dict: "an object", bool: "true or false"}


class _Builder:
    def __init__(self, data: StoreData, details: Details) -> None:
        self.data = data
        self.details = details
        self.existed = details.account_id in data.accounts
        self.account = Account(id=details.account_id, created=now_iso())
        for name in _IAM_COLLECTIONS:  # thousands of creates: each "is the name taken?" in O(1)
            setattr(self.account, name, FoldedNames())
        if self.existed:  # identity providers are not in the file: trust policies may name the kept ones
            old = data.accounts[details.account_id]
            self.account.oidc_providers = dict(old.oidc_providers)
            self.account.saml_providers = dict(old.saml_providers)
        self.stand_ins: list[str] = []  # providers trust policies name that the account lacks
        self.report = Report(details.account_id)
        self.ids: set[str] = set()

    def build(self) -> None:
        d = self.details
        self._no_duplicates()
        customer = [p for p in d.policies if not managed.is_aws_policy_ref(str(p.get("Arn", "")))]
        aws = [p for p in d.policies if managed.is_aws_policy_ref(str(p.get("Arn", "")))]
        for entry in customer:
            self._policy(entry)
        for entry in aws:
            self._aws_policy(entry)
        for entry in d.groups:
            self._group(entry)
        for entry in d.users:
            self._user(entry)
        for entry in d.roles:
            self._role(entry)
        for entry in d.roles:
            self._instance_profiles(entry)
        self._check_trusts()
        for arn in self.stand_ins:
            kind, _, key = arn.split(":", 5)[5].partition("/")
            (self.account.oidc_providers if kind == "oidc-provider" else self.account.saml_providers).pop(key)
        self.report.providers_missing = list(self.stand_ins)
        a = self.account
        self.report.created = {
            "users": len(a.users), "groups": len(a.groups), "roles": len(a.roles),
            "profiles": len(a.instance_profiles), "policies": len(a.policies),
            "versions": sum(len(p.versions) for p in a.policies.values()), "aws": len(aws),
        }

    # ------------------------------------------------------------ helpers

    def _where(self, entry: dict[str, Any], kind: str, name: str) -> str:
        return f"{source_of(entry)}: {kind} {name}"

    def _field(self, entry: dict[str, Any], key: str, where: str, default: Any = None, kind: type = str) -> Any:
        value = entry.get(key, default)
        if value is None and default is None:
            raise invalid_input(f"{where} has no {key}.")
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise invalid_input(f"{where}: {key} must be {_TYPE_WORDS[kind]}, not {value!r}.")
        return value

    def _name(self, entry: dict[str, Any], key: str, kind: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            article = "an" if kind[0] in "aeiou" else "a"
            raise invalid_input(f"{source_of(entry)}: {article} {kind} has no {key}.")
        return value

    def _unique_id(self, kind: str, value: Any) -> str:
        """The file's ID when AWS-shaped (prefix, 21 characters) and not taken, else a new one."""
        if isinstance(value, str) and re.fullmatch(ID_PREFIX[kind] + "[A-Z0-9]{17}", value) and value not in self.ids:
            self.ids.add(value)
            return value
        new = new_unique_id(kind)
        self.ids.add(new)
        self.report.ids_replaced += 1
        if isinstance(value, str):
            self.report.new_ids[value] = new
        return new

    def _date(self, value: Any, where: str, key: str = "CreateDate") -> str:
        if value is None:
            self.report.dates_added += 1
            return now_iso()
        try:
            when = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise invalid_input(f"{where}: {key} {value!r} is not an ISO 8601 time with a time zone.")
        return value  # kept as the file has it, so that details read back the same

    def _check_arn(self, entry: dict[str, Any], where: str, kind: str, name: str, path: str) -> None:
        arn = entry.get("Arn")
        expected = iam_arn(self.account.id, kind, name, path)
        if arn is not None and arn != expected:
            raise invalid_input(f"{where}: Arn {arn} does not match its name and path ({expected}).")

    def _tags(self, entry: dict[str, Any], where: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        for tag in self._field(entry, "Tags", where, [], list):
            if not isinstance(tag, dict) or not isinstance(tag.get("Key"), str) or not isinstance(
                    tag.get("Value", ""), str):
                raise invalid_input(f"{where}: a tag must be {{\"Key\": ..., \"Value\": ...}}, not {tag!r}.")
            tags[tag["Key"]] = tag.get("Value", "")
        return tags

    def _document(self, value: Any, where: str) -> str:
        text = document_text(value)
        if text is None:
            raise invalid_input(f"{where}: the policy document is neither a JSON object nor URL-encoded JSON text.")
        return self._versioned(text)

    def _versioned(self, text: str) -> str:
        """AWS keeps documents written without Version and reads them as the 2008-10-17
        language; iamctl wants every new document to say its language. Saying it for
        them changes nothing in what they mean, and the report counts them."""
        import json

        try:
            doc = json.loads(text)
        except ValueError:
            return text  # the document check says what is wrong with it
        if not isinstance(doc, dict) or "Version" in doc:
            return text
        from iamctl.core.policy.document import DEFAULT_VERSION

        self.report.versions_added += 1
        return json.dumps({"Version": DEFAULT_VERSION, **doc}, indent=4)

    def _no_duplicates(self) -> None:
        """Names are unique regardless of case in IAM; the same entity twice is a broken file."""
        d = self.details
        for kind, entries, key in (("user", d.users, "UserName"), ("group", d.groups, "GroupName"),
                                   ("role", d.roles, "RoleName"), ("managed policy", d.policies, "Arn")):
            seen: dict[str, dict[str, Any]] = {}
            for entry in entries:
                name = entry.get(key)
                if not isinstance(name, str):
                    continue  # the entity's own checks name what is wrong
                folded = name.casefold()
                if folded in seen:
                    first = source_of(seen[folded])
                    raise already_exists(f"{source_of(entry)}: {kind} {name} is in the file(s) twice "
                                         f"(first in {first}).")
                seen[folded] = entry

    def _managed_ref(self, arn: Any, where: str, how: str) -> str:
        """A policy an entity names must be in the file or be an AWS managed policy iamctl ships."""
        if not isinstance(arn, str) or policies.lookup(self.account, arn) is None:
            hint = f" {_EXPORT_AWS_POLICIES}" if isinstance(arn, str) and managed.is_aws_policy_ref(arn) else ""
            raise no_such_entity(f"{where} {how} policy {arn}, which is neither in the file nor an AWS managed "
                                 f"policy iamctl knows.{hint}")
        return arn

    def _attached(self, entry: dict[str, Any], where: str) -> list[str]:
        arns = []
        for item in self._field(entry, "AttachedManagedPolicies", where, [], list):
            arn = item.get("PolicyArn") if isinstance(item, dict) else None
            arns.append(self._managed_ref(arn, where, "has attached"))
        return arns

    def _inline(self, entry: dict[str, Any], key: str, where: str) -> list[tuple[str, str]]:
        found = []
        for item in self._field(entry, key, where, [], list):
            if not isinstance(item, dict) or not isinstance(item.get("PolicyName"), str):
                raise invalid_input(f"{where}: each of {key} needs a PolicyName.")
            name = item["PolicyName"]
            found.append((name, self._document(item.get("PolicyDocument"), f"{where}, inline policy {name}")))
        return found

    def _boundary(self, entry: dict[str, Any], where: str) -> str | None:
        boundary = entry.get("PermissionsBoundary")
        if not boundary:
            return None
        arn = boundary.get("PermissionsBoundaryArn") if isinstance(boundary, dict) else None
        return self._managed_ref(arn, where, "has as its permissions boundary")

    # ------------------------------------------------------------ managed policies

    def _policy(self, entry: dict[str, Any]) -> None:
        arn = self._field(entry, "Arn", f"{source_of(entry)}: a managed policy")
        name = entry.get("PolicyName")
        if name is None:  # moto leaves it out; AWS's ARN ends with it
            name = arn.rsplit("/", 1)[-1]
            self.report.named_from_arn += 1
        if not isinstance(name, str):
            raise invalid_input(f"{source_of(entry)}: policy {arn}: PolicyName must be a str, not {name!r}.")
        where = self._where(entry, "policy", name)
        path = self._field(entry, "Path", where, "/")
        versions = self._versions(entry, where)
        default = next(vid for vid, (_, _, is_default) in versions.items() if is_default)
        description = self._field(entry, "Description", where, "") or None
        with _about(where):
            policy = policies.create_policy(self.account, name, versions[default][0], path=path,
                                            description=description)
            for vid, (text, _, _) in versions.items():
                if vid != default:  # create_policy checked the default one
                    policies.check_document(text, max_size=quotas.MANAGED_POLICY_SIZE, policy_id=f"{name} {vid}")
        self._check_arn(entry, where, "policy", name, path)  # after the name and path checks
        policy.id = self._unique_id("policy", entry.get("PolicyId"))
        policy.created = self._date(entry.get("CreateDate"), where)
        policy.updated = self._date(entry.get("UpdateDate", policy.created), where, "UpdateDate")
        policy.versions = {vid: PolicyVersion(document=text, created=self._date(created, f"{where} {vid}"))
                           for vid, (text, created, _) in versions.items()}
        policy.default_version = default
        policy.next_version = max(int(vid[1:]) for vid in versions) + 1

    def _versions(self, entry: dict[str, Any], where: str) -> dict[str, tuple[str, Any, bool]]:
        """version ID → (document, CreateDate, is default), checked: AWS's quota, one default."""
        found: dict[str, tuple[str, Any, bool]] = {}
        for item in self._field(entry, "PolicyVersionList", where, [], list):
            vid = item.get("VersionId") if isinstance(item, dict) else None
            if not isinstance(vid, str) or not _VERSION_ID.fullmatch(vid):
                raise invalid_input(f"{where}: version ID {vid!r} is not v1, v2, ...")
            if vid in found:
                raise already_exists(f"{where}: version {vid} is in the file twice.")
            is_default = item.get("IsDefaultVersion") is True or entry.get("DefaultVersionId") == vid
            found[vid] = (self._document(item.get("Document"), f"{where} {vid}"), item.get("CreateDate"), is_default)
        if not found:
            raise invalid_input(f"{where} has no PolicyVersionList: its document is not in the file.")
        if len(found) > quotas.VERSIONS_PER_POLICY:
            raise limit_exceeded(f"{where}: a managed policy can have up to {quotas.VERSIONS_PER_POLICY} versions, "
                                 f"the file has {len(found)}.")
        defaults = [vid for vid, (_, _, d) in found.items() if d]
        if len(defaults) != 1:
            raise invalid_input(f"{where} must have exactly one default version, not {len(defaults)}.")
        return found

    def _default_version(self, entry: dict[str, Any], where: str) -> tuple[str, str]:
        """An AWS managed policy's default version in the file: (version ID, document)."""
        versions = self._versions({**entry, "PolicyVersionList": [
            v for v in entry.get("PolicyVersionList", []) if isinstance(v, dict) and (
                v.get("IsDefaultVersion") is True or v.get("VersionId") == entry.get("DefaultVersionId"))]}, where)
        ((vid, (text, _, _)),) = versions.items()
        return vid, text

    def _aws_policy(self, entry: dict[str, Any]) -> None:
        arn = entry["Arn"]
        shipped = managed.get(arn)
        if shipped is None:
            self._kept_aws_policy(entry, arn)
            return
        where = self._where(entry, "AWS managed policy", shipped.name)
        if not entry.get("PolicyVersionList"):
            return  # only named: the shipped version it is
        vid, text = self._default_version(entry, where)
        import json

        if vid == shipped.default_version_id and json.loads(text) == json.loads(shipped.document):
            return
        with _about(where):
            policies.check_document(text, policy_id=f"{shipped.name} {vid}")
        updated = entry.get("UpdateDate")
        self.account.aws_policies[shipped.name] = AwsPolicyOverride(
            name=shipped.name, version_id=vid, document=text,
            updated=self._date(updated, where, "UpdateDate") if updated is not None else None)
        self.report.aws_versions.append(f"{shipped.name} {vid} (shipped: {shipped.default_version_id})")

    def _kept_aws_policy(self, entry: dict[str, Any], arn: str) -> None:
        """An AWS managed policy iamctl does not ship (AWS made it after iamctl's data): the
        account keeps the file's copy of its default version, name, path and dates."""
        if not entry.get("PolicyVersionList"):
            raise no_such_entity(f"{source_of(entry)}: {arn} is not an AWS managed policy iamctl knows, and the file "
                                 f"has no document for it. {_EXPORT_AWS_POLICIES}")
        resource = arn.split(":", 5)[5][len("policy"):]  # "/path/Name"
        path, name = resource[:resource.rindex("/") + 1], resource.rsplit("/", 1)[-1]
        where = self._where(entry, "AWS managed policy", name)
        with _about(where):
            check_name("policy", name)
            check_path(path)
        for key, value in (("PolicyName", name), ("Path", path)):
            if entry.get(key, value) != value:
                raise invalid_input(f"{where}: {key} {entry[key]!r} does not match its Arn {arn}.")
        if arn != f"{managed.AWS_POLICY_ARN_PREFIX}{path}{name}":
            raise invalid_input(f"{where}: Arn {arn} is not in the aws partition, the one iamctl models.")
        shipped = managed.get(name)
        if shipped is not None:  # AWS managed policy names are unique across paths
            raise invalid_input(f"{where}: Arn {arn} names the AWS managed policy {name}, whose ARN is {shipped.arn}.")
        vid, text = self._default_version(entry, where)
        with _about(where):
            policies.check_document(text, policy_id=f"{name} {vid}")
        created = self._date(entry.get("CreateDate"), where)
        policy_id = entry.get("PolicyId")
        shaped = isinstance(policy_id, str) and re.fullmatch(ID_PREFIX["policy"] + "[A-Z0-9]{17}", policy_id)
        self.account.aws_policies[name] = AwsPolicyOverride(
            name=name, version_id=vid, document=text, path=path, created=created,
            updated=self._date(entry.get("UpdateDate", created), where, "UpdateDate"),
            id=policy_id if shaped else None)
        self.report.aws_kept.append(name)

    # ------------------------------------------------------------ groups, users, roles

    def _policies(self, service: Any, name: str, attached: list[str], inline: list[tuple[str, str]]) -> None:
        """Attach *attached* and put *inline* on a group, user or role through its service
        module (groups, users, roles), so each create rule and quota applies."""
        for arn in attached:
            service.attach_policy(self.account, name, arn)
        for policy_name, text in inline:
            service.put_policy(self.account, name, policy_name, text)

    def _stamp(self, entity: Any, entry: dict[str, Any], where: str, kind: str, name: str, path: str) -> None:
        """The file's ARN checked (after the name and path checks), then its ID and date kept."""
        self._check_arn(entry, where, kind, name, path)
        entity.id = self._unique_id(kind, entry.get(f"{kind.capitalize()}Id"))
        entity.created = self._date(entry.get("CreateDate"), where)

    def _group(self, entry: dict[str, Any]) -> None:
        name = self._name(entry, "GroupName", "group")
        where = self._where(entry, "group", name)
        path = self._field(entry, "Path", where, "/")
        attached = self._attached(entry, where)
        inline = self._inline(entry, "GroupPolicyList", where)
        with _about(where):
            group = groups.create(self.account, name, path=path)
            self._policies(groups, name, attached, inline)
        self._stamp(group, entry, where, "group", name, path)

    def _user(self, entry: dict[str, Any]) -> None:
        name = self._name(entry, "UserName", "user")
        where = self._where(entry, "user", name)
        path = self._field(entry, "Path", where, "/")
        member_of = self._field(entry, "GroupList", where, [], list)
        for group in member_of:
            if not isinstance(group, str) or group not in self.account.groups:
                raise no_such_entity(f"{where} is in group {group}, which is not in the file.")
        attached = self._attached(entry, where)
        boundary = self._boundary(entry, where)
        inline = self._inline(entry, "UserPolicyList", where)
        with _about(where):
            user = users.create(self.account, name, path=path, tags=self._tags(entry, where))
            for group in member_of:
                groups.add_user(self.account, group, name)
            self._policies(users, name, attached, inline)
            if boundary:
                users.set_boundary(self.account, name, boundary)
        self._stamp(user, entry, where, "user", name, path)

    def _role_extras(self, entry: dict[str, Any], name: str) -> dict[str, Any]:
        """Description and MaxSessionDuration: RoleDetail leaves them out, but the copy of
        the role inside each of its instance profiles has them (GetRole's shape)."""
        profiles = entry.get("InstanceProfileList")
        for profile in profiles if isinstance(profiles, list) else []:
            copies = profile.get("Roles") if isinstance(profile, dict) else None
            for copy in copies if isinstance(copies, list) else []:
                if isinstance(copy, dict) and copy.get("RoleName") == name:
                    return {**copy, **{k: entry[k] for k in ("Description", "MaxSessionDuration") if k in entry}}
        return entry

    def _role(self, entry: dict[str, Any]) -> None:
        name = self._name(entry, "RoleName", "role")
        where = self._where(entry, "role", name)
        path = self._field(entry, "Path", where, "/")
        extras = self._role_extras(entry, name)
        trust = self._document(entry.get("AssumeRolePolicyDocument"), f"{where}, trust policy")
        self._stand_in_providers(trust)
        attached = self._attached(entry, where)
        boundary = self._boundary(entry, where)
        inline = self._inline(entry, "RolePolicyList", where)
        with _about(where):
            # data=None: principals are checked once every role exists (_check_trusts)
            role = roles.create(None, self.account, name, trust, path=path,
                                description=self._field(extras, "Description", where, "") or None,
                                max_session_duration=self._field(extras, "MaxSessionDuration", where, 3600, int),
                                tags=self._tags(entry, where), boundary=boundary)
            self._policies(roles, name, attached, inline)
        self._stamp(role, entry, where, "role", name, path)
        last_used = (self._field(entry, "RoleLastUsed", where, {}, dict) or {}).get("LastUsedDate")
        if last_used is not None:
            role.last_used = self._date(last_used, where, "RoleLastUsed.LastUsedDate")

    def _instance_profiles(self, entry: dict[str, Any]) -> None:
        role_name = entry["RoleName"]
        for profile in self._field(entry, "InstanceProfileList", self._where(entry, "role", role_name), [], list):
            if not isinstance(profile, dict):
                raise invalid_input(f"{self._where(entry, 'role', role_name)}: an instance profile must be an object.")
            name = self._name({**profile, "__source__": source_of(entry)}, "InstanceProfileName", "instance profile")
            where = f"{source_of(entry)}: instance profile {name}"
            path = self._field(profile, "Path", where, "/")
            members = [r.get("RoleName") for r in self._field(profile, "Roles", where, [], list) if isinstance(r, dict)]
            for member in members:
                if not isinstance(member, str) or member not in self.account.roles:
                    raise no_such_entity(f"{where} holds role {member}, which is not in the file.")
            existing = self.account.instance_profiles.get(name)
            if existing is not None:  # listed under its role again: must say the same
                if existing.roles != members or existing.path != path:
                    raise already_exists(f"{where} is in the file twice, with different roles.")
                continue
            self._check_arn(profile, where, "instance-profile", name, path)
            with _about(where):
                created = instance_profiles.create(self.account, name, path=path)
                for member in members:
                    instance_profiles.add_role(self.account, name, member)
            created.id = self._unique_id("instance-profile", profile.get("InstanceProfileId"))
            created.created = self._date(profile.get("CreateDate"), where)

    def _stand_in_providers(self, trust: str) -> None:
        """GetAccountAuthorizationDetails does not list identity providers, yet roles trust
        them (every IAM Identity Center role trusts a SAML provider). A provider the
        account lacks gets a stand-in while trust policies are checked, and the report
        says to register it; the stand-ins never reach the store."""
        import json

        try:
            statements = json.loads(trust).get("Statement", [])
        except (ValueError, AttributeError):
            return  # the trust check reports it
        prefix = f"arn:aws:iam::{self.account.id}:"
        for st in statements if isinstance(statements, list) else [statements]:
            principal = st.get("Principal") if isinstance(st, dict) else None
            federated = principal.get("Federated") if isinstance(principal, dict) else None
            federated = federated if isinstance(federated, list) else [federated]
            for arn in federated:
                if not isinstance(arn, str) or not arn.startswith(prefix) or arn in self.stand_ins:
                    continue
                kind, _, key = arn[len(prefix):].partition("/")
                if kind == "oidc-provider" and key and key not in self.account.oidc_providers:
                    self.account.oidc_providers[key] = OidcProvider(url=key, created=now_iso())
                elif kind == "saml-provider" and key and key not in self.account.saml_providers:
                    self.account.saml_providers[key] = SamlProvider(name=key, created=now_iso(), metadata="")
                else:
                    continue
                self.stand_ins.append(arn)

    def _check_trusts(self) -> None:
        """IAM checks the principals of a trust policy when it is saved: now that every
        user and role of the import exists, check them as CreateRole would."""
        view = StoreData(accounts=_Accounts(self.data, self.account))  # type: ignore[arg-type]
        for entry in self.details.roles:
            role = self.account.roles[entry["RoleName"]]
            with _about(f"{self._where(entry, 'role', role.name)}, trust policy"):
                check_trust(view, self.account, role.trust)


# ---------------------------------------------------------------- into the store


_IAM_COLLECTIONS = ("users", "groups", "policies", "roles", "instance_profiles", "aws_policies")


def _install(data: StoreData, built: Account, alias: str | None, replace: bool) -> None:
    """Put *built* into the store: a new account, or (with --replace) the IAM entities of
    an existing one, keeping its credentials of users that are still there and all else."""
    existing = data.accounts.get(built.id)
    if existing is None:
        account = accounts.create(data, account_id=built.id, alias=alias)
    else:
        assert replace
        account = existing
        if alias is not None:
            accounts.check_alias_free(data, alias, account.id)
            account.alias = alias
        for name, user in built.users.items():
            old = account.users.get(name)
            if old is not None:
                user.access_keys, user.login_profile, user.mfa = old.access_keys, old.login_profile, old.mfa
        for key in [k for k, s in account.sessions.items() if s.role not in built.roles]:
            del account.sessions[key]  # a role that is gone takes its sessions with it, as DeleteRole does
    for name in _IAM_COLLECTIONS:
        setattr(account, name, dict(getattr(built, name)))  # the store keeps plain mappings
