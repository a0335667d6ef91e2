from tenants.webpush.selectors import vapid_public_key


def webpush(request):
    """The VAPID public key for <meta name="webpush-key"> (empty: push is not offered)."""
    return {"webpush_public_key": vapid_public_key()}
