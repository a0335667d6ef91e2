"""Front-desk powers over a hub: the comune's administrators everywhere, operators in their assigned hubs."""

from src.hubs.models import HubOperator
from tenants.identity.policy import Action, can


def can_operate_hub(user, municipality, hub) -> bool:
    if not can(user, Action.OPERATE_FRONT_DESK, municipality):
        return False
    if can(user, Action.ADMINISTER_COMUNE, municipality):
        return True
    return HubOperator.objects.filter(hub=hub, user=user).exists()
