from django.urls import path

from tenants.webpush import api

urlpatterns = [
    path("key/", api.PushKeyView.as_view(), name="push_key"),
    path("subscriptions/", api.PushSubscriptionView.as_view(), name="push_subscriptions"),
]
