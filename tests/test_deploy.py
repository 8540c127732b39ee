"""The scheduled deployment registers with the Prefect API with its cron schedule."""

from __future__ import annotations

from prefect.client.orchestration import get_client

from flows.deploy import DEPLOYMENT_NAME, make_deployment


def test_deployment_registers_with_its_cron_schedule(prefect_harness):
    deployment = make_deployment(cron="15 5 * * 1", collect=False)
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        registered = client.read_deployment(deployment_id)
    assert registered.name == DEPLOYMENT_NAME
    crons = [s.schedule.cron for s in registered.schedules]
    assert crons == ["15 5 * * 1"]
    assert registered.parameters == {"collect": False}
