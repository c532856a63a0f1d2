"""The union's Douyin account connected to a running stand-in, as if an administrator had authorised it:
for the tests' fixture and for bench/faults.py's scratch site alike."""


def connect_douyin(state, name="淮安市总工会抖音号"):
    """A ChannelAccount holding a fresh token pair that the stand-in `state` issued."""
    from distribution.accounts import store_tokens
    from distribution.models import ChannelAccount
    from distribution.platforms.base import Tokens

    issued = state.issue_tokens()
    now = state.now()
    account = ChannelAccount.objects.create(name=name, client_key=state.client_key, client_secret=state.client_secret)
    store_tokens(
        account,
        Tokens(
            access_token=issued["access_token"],
            access_expires_at=now + issued["expires_in"],
            refresh_token=issued["refresh_token"],
            refresh_expires_at=now + issued["refresh_expires_in"],
            open_id=issued["open_id"],
            scope=issued["scope"],
        ),
    )
    return account
