from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("products/<uuid:public_id>/image.svg", views.product_image, name="product_image"),
    path("heritage/<uuid:public_id>/image.svg", views.heritage_image, name="heritage_image"),
]
