"""Access keys: IDs, secrets, the two-key quota, rotation, shapes and renderings."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from iamctl.core.credentials import access_keys as ak
from iamctl.core.errors import IamError

NOW = datetime(2026, 11, 28, 16, 4, 44, tzinfo=UTC)


@pytest.fixture(scope="module")
def new() -> ak.NewAccessKey:
    return ak.create_access_key([], "alice", NOW)


def test_key_id_and_secret_shapes(new: ak.NewAccessKey) -> None:
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", new.key.id)
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", new.secret)
    assert new.key.status == "Active"
    assert new.key.created == "2026-11-28T16:04:44+00:00"
    assert new.secret not in new.key.secret_hash


def test_ids_and_secrets_are_random() -> None:
    assert len({ak.new_key_id() for _ in range(200)}) == 200
    assert len({ak.new_secret() for _ in range(200)}) == 200


def test_third_key_is_refused(new: ak.NewAccessKey) -> None:
    second = ak.create_access_key([new.key], "alice", NOW)
    with pytest.raises(IamError) as err:
        ak.create_access_key([new.key, second.key], "alice", NOW)
    assert err.value.code == "LimitExceeded"
    assert "AccessKeysPerUser: 2" in err.value.message


def test_check_secret(new: ak.NewAccessKey) -> None:
    ak.check_secret(new.key, new.secret)
    with pytest.raises(IamError) as err:
        ak.check_secret(new.key, new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B"))
    assert err.value.code == "SignatureDoesNotMatch"
    with pytest.raises(IamError) as err:
        ak.check_secret(None, new.secret)
    assert err.value.code == "InvalidClientTokenId"
    (inactive,) = ak.set_status([new.key], new.key.id, "Inactive")
    with pytest.raises(IamError) as err:
        ak.check_secret(inactive, new.secret)
    assert err.value.code == "InvalidClientTokenId"


def test_status_and_delete(new: ak.NewAccessKey) -> None:
    keys = [new.key]
    assert ak.set_status(keys, new.key.id, "Inactive")[0].status == "Inactive"
    assert keys[0].status == "Active"  # inputs are not mutated
    with pytest.raises(IamError) as err:
        ak.set_status(keys, new.key.id, "active")
    assert err.value.code == "ValidationError"
    with pytest.raises(IamError) as err:
        ak.delete_key(keys, "AKIANOSUCHKEY0000000")
    assert err.value.code == "NoSuchEntity"
    assert ak.delete_key(keys, new.key.id) == []


def test_rotate(new: ak.NewAccessKey) -> None:
    keys, fresh = ak.rotate([new.key], "alice", NOW)
    assert [k.id for k in keys] == [new.key.id, fresh.key.id]
    assert [k.status for k in keys] == ["Inactive", "Active"]
    with pytest.raises(IamError) as err:
        ak.rotate(keys, "alice", NOW)
    assert err.value.code == "LimitExceeded"
    assert new.key.id in err.value.message  # names the inactive key to delete


def test_record_use_keeps_first_use_in_15_minutes(new: ak.NewAccessKey) -> None:
    used = ak.record_use(new.key, NOW, "s3", None)
    assert (used.last_used_date, used.last_used_service, used.last_used_region) == (
        "2026-11-28T16:04:44+00:00", "s3", None)
    assert ak.record_use(used, NOW + timedelta(minutes=14), "ec2", "us-east-1") == used
    later = ak.record_use(used, NOW + timedelta(minutes=15), "ec2", "us-east-1")
    assert (later.last_used_service, later.last_used_region) == ("ec2", "us-east-1")


def test_json_shapes(new: ak.NewAccessKey) -> None:
    created = ak.create_access_key_json(new)
    assert list(created["AccessKey"]) == ["UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"]
    assert created["AccessKey"]["SecretAccessKey"] == new.secret
    listed = ak.list_access_keys_json("alice", [new.key])
    assert listed == {"AccessKeyMetadata": [{"UserName": "alice", "AccessKeyId": new.key.id,
                                              "Status": "Active", "CreateDate": new.key.created}]}
    assert "SecretAccessKey" not in str(listed)
    assert ak.last_used_json("alice", new.key) == {
        "UserName": "alice", "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}}
    used = ak.record_use(new.key, NOW, "iam", None)
    assert ak.last_used_json("alice", used)["AccessKeyLastUsed"] == {
        "LastUsedDate": "2026-11-28T16:04:44+00:00", "ServiceName": "iam", "Region": "N/A"}
    # The root user's keys have no UserName.
    assert "UserName" not in ak.list_access_keys_json(None, [new.key])["AccessKeyMetadata"][0]


def test_key_csv_is_the_console_download(new: ak.NewAccessKey) -> None:
    text = ak.key_csv(new)
    assert text.splitlines()[0] == "Access key ID,Secret access key"
    assert text == f"Access key ID,Secret access key\n{new.key.id},{new.secret}\n"


def test_user_csv(new: ak.NewAccessKey) -> None:
    url = "https://123456789012.signin.aws.amazon.com/console"
    text = ak.user_csv("alice", url, new=new)
    assert text.splitlines()[0] == "User name,Password,Access key ID,Secret access key,Console login link"
    assert text.splitlines()[1] == f"alice,,{new.key.id},{new.secret},{url}"
    # A name with a comma (legal in IAM) is quoted, so the file still parses.
    rows = list(csv.reader(io.StringIO(ak.user_csv("a,b", url, password="Pw1!pw1!"))))
    assert rows[1] == ["a,b", "Pw1!pw1!", "", "", url]


def test_env_and_credentials_file(new: ak.NewAccessKey) -> None:
    assert ak.env_lines(new) == (f"export AWS_ACCESS_KEY_ID={new.key.id}\n"
                                 f"export AWS_SECRET_ACCESS_KEY={new.secret}\n")
    assert ak.credentials_file(new, "work") == (
        f"[work]\naws_access_key_id = {new.key.id}\naws_secret_access_key = {new.secret}\n")
    with pytest.raises(IamError):
        ak.credentials_file(new, "bad]name")
    assert ak.render_new_key(new, "json") == ak.create_access_key_json(new)
    with pytest.raises(IamError):
        ak.render_new_key(new, "yaml")
