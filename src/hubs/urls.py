app_name = "hubs"

urlpatterns = []
