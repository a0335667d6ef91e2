app_name = "desks"

urlpatterns = []
