"""The client web concierge, "Your Style Story": one module per part, re-exported here.

- home: the narrative home (current chapter, advisor, occasions, heritage, wishlist)
- lookbooks: published chapters and the client's reactions to each piece
- pieces: a piece's page, the wishlist (save, remove, share with the advisor)
- heritage: the house's stories
- occasions: the client's occasions (add, edit, delete)
- requests: styling requests and their four-hour promise (contract C3)
- appointments: booking in boutique or by video, cancelling, the video page (contract C4)
- messages: the thread with the advisor (contract C1)
"""

from concierge.views.appointments import (
    appointment_book,
    appointment_calendar,
    appointment_cancel_view,
    appointment_detail,
    appointment_video,
    appointments,
)
from concierge.views.heritage import heritage, heritage_detail
from concierge.views.home import home
from concierge.views.lookbooks import lookbook_detail, lookbook_link, lookbook_react, lookbooks
from concierge.views.messages import messages
from concierge.views.occasions import occasion_edit, occasion_remove, occasions
from concierge.views.pieces import (
    product_detail,
    wishlist,
    wishlist_add,
    wishlist_delete,
    wishlist_share,
)
from concierge.views.requests import request_detail, requests

__all__ = [
    "appointment_book",
    "appointment_calendar",
    "appointment_cancel_view",
    "appointment_detail",
    "appointment_video",
    "appointments",
    "heritage",
    "heritage_detail",
    "home",
    "lookbook_detail",
    "lookbook_link",
    "lookbook_react",
    "lookbooks",
    "messages",
    "occasion_edit",
    "occasion_remove",
    "occasions",
    "product_detail",
    "request_detail",
    "requests",
    "wishlist",
    "wishlist_add",
    "wishlist_delete",
    "wishlist_share",
]
