"""WebSocket consumers: the advisor's live signals, the conversation, the video consultation.

The conversation and the call have two sides (a client and her advisor); the
consumers serve both, and who may enter is decided below, in
stylists.selectors.live, never by the page that opened the socket.
"""

from stylists.consumers.signals import LiveSignalsConsumer, stylist_group
from stylists.consumers.thread import ThreadConsumer
from stylists.consumers.video import VideoRoomConsumer

__all__ = ["LiveSignalsConsumer", "ThreadConsumer", "VideoRoomConsumer", "stylist_group"]
