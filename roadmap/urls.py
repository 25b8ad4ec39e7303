"""URLs of the roadmap app under /o/<org>/: orders, their drafting, the roadmap and the regulation."""

from django.urls import path

from roadmap.views import (
    certificates,
    drafting,
    order_actions,
    order_page,
    orders,
    paper,
    regulation,
    roadmap_import,
    roadmap_links,
    roadmaps,
)

app_name = "roadmap"

urlpatterns = [
    # certificates.py
    path("certificates/", certificates.certificate_list, name="certificates"),
    path("certificates/issue/", certificates.certificate_bulk_issue, name="certificates_issue"),
    path("certificates/combined.pdf", certificates.certificates_combined_pdf, name="certificates_pdf"),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("staff/<int:pk>/certificates/", certificates.person_certificates, name="person_certificates"),
    # orders.py
    path("orders/", orders.order_list, name="orders"),
    path("orders/export/", orders.order_export, name="orders_export"),
    path("orders/inbox/", orders.inbox, name="inbox"),
    # order_page.py
    path("orders/<int:pk>/", order_page.order_detail, name="order"),
    path("orders/<int:pk>/pdf/", order_page.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/edit/", order_page.order_edit, name="order_edit"),
    path(
        "orders/<int:pk>/acknowledgements/pdf/",
        order_page.order_acknowledgements_pdf,
        name="order_acknowledgements_pdf",
    ),
    # order_actions.py
    path("orders/<int:pk>/submit/", order_actions.order_submit, name="order_submit"),
    path("orders/<int:pk>/return/", order_actions.order_return, name="order_return"),
    path("orders/<int:pk>/approve/", order_actions.order_approve, name="order_approve"),
    path("orders/<int:pk>/approve/email-code/", order_actions.order_approval_code, name="order_approval_code"),
    path("orders/<int:pk>/cancel/", order_actions.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/acknowledge/", order_actions.order_acknowledge, name="order_acknowledge"),
    path("orders/<int:pk>/correct/", order_actions.order_correct, name="order_correct"),
    # paper.py: orders signed on paper, registered after the fact
    path("orders/paper/", paper.paper_order_new, name="paper_order_new"),
    path("orders/paper/preview/", paper.paper_order_preview, name="paper_order_preview"),
    path("orders/paper/confirm/", paper.paper_order_confirm, name="paper_order_confirm"),
    path("orders/paper/<int:pk>/scan/", paper.paper_order_scan, name="paper_order_scan"),
    # drafting.py
    path("orders/templates/", drafting.order_templates, name="order_templates"),
    path("orders/basis/", drafting.order_basis, name="order_basis"),
    path("orders/templates/<slug:kind>/", drafting.order_template_edit, name="order_template_edit"),
    path("orders/new/", drafting.order_new, name="order_new"),
    path("orders/new/from-pairs/", drafting.order_from_pairs, name="order_from_pairs"),
    path("orders/new/curator/<int:pk>/", drafting.order_appoint_curator, name="order_appoint_curator"),
    path("orders/new/pair/<int:pk>/<slug:kind>/", drafting.order_from_pair, name="order_from_pair"),
    # roadmaps.py
    path("roadmap/", roadmaps.roadmap_list, name="roadmaps"),
    path("roadmap/new/", roadmaps.roadmap_create, name="roadmap_create"),
    path("roadmap/<int:pk>/", roadmaps.roadmap_detail, name="roadmap"),
    path("roadmap/<int:pk>/pdf/", roadmaps.roadmap_pdf, name="roadmap_pdf"),
    path("roadmap/<int:pk>/renumber/", roadmaps.roadmap_renumber, name="roadmap_renumber"),
    path("roadmap/<int:pk>/revise/", roadmaps.roadmap_revise, name="roadmap_revise"),
    path("roadmap/<int:pk>/order/", roadmaps.roadmap_order, name="roadmap_order"),
    path("roadmap/<int:pk>/activities/new/", roadmaps.activity_new, name="roadmap_activity_new"),
    path("roadmap/<int:pk>/activities/<int:item_pk>/", roadmaps.activity_edit, name="roadmap_activity_edit"),
    path("roadmap/<int:pk>/activities/<int:item_pk>/move/", roadmaps.activity_move, name="roadmap_activity_move"),
    path(
        "roadmap/<int:pk>/activities/<int:item_pk>/evidence/",
        roadmaps.activity_evidence,
        name="roadmap_activity_evidence",
    ),
    # roadmap_import.py
    path("roadmap/import/", roadmap_import.roadmap_import, name="roadmap_import"),
    path("roadmap/import/preview/", roadmap_import.roadmap_import_preview, name="roadmap_import_preview"),
    path("roadmap/import/confirm/", roadmap_import.roadmap_import_confirm, name="roadmap_import_confirm"),
    path("roadmap/import/<int:pk>/", roadmap_import.roadmap_import_result, name="roadmap_import_result"),
    # roadmap_links.py
    path("roadmap/<int:pk>/links/", roadmap_links.roadmap_links, name="roadmap_links"),
    # regulation.py
    path("regulation/", regulation.regulation_home, name="regulation"),
    path("regulation/generate/", regulation.regulation_generate, name="regulation_generate"),
    path("regulation/new-version/", regulation.regulation_new_version, name="regulation_new_version"),
    path("regulation/<int:pk>/", regulation.regulation_edit, name="regulation_edit"),
    path("regulation/<int:pk>/adopt/", regulation.regulation_adopt, name="regulation_adopt"),
    path("regulation/<int:pk>/order/", regulation.regulation_order, name="regulation_order"),
    path("regulation/<int:pk>/pdf/", regulation.regulation_pdf, name="regulation_pdf"),
]
