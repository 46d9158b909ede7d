from django.urls import path

from lightup import exports, views

urlpatterns = [
    path("", views.board, name="lightup-board"),
    path("board.xlsx", exports.board_xlsx_export, name="lightup-board-xlsx"),
    path("board.pdf", exports.board_pdf_export, name="lightup-board-pdf"),
    path("items/<int:pk>/", views.item_chart, name="lightup-item"),
    path("sweep/", views.sweep, name="lightup-sweep"),
]
