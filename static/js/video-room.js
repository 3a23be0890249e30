/*
 * Atelier — the video consultation (templates/includes/_video_room.html), CSP-safe.
 *
 * Two ways to carry the call, chosen by the server (data-mode):
 *   "p2p"    peer to peer in the browsers (WebRTC); the app's WebSocket
 *            (data-ws-path, stylists.consumers.video) only relays offers,
 *            answers and ICE candidates between the people allowed in the room.
 *   "twilio" a Twilio Video room (data-token, data-room), with the vendored SDK.
 * Every sentence shown comes from the template's data-text-* attributes, so it
 * is translated with the page. Nothing starts before "Enter the room" is pressed.
 */
(function () {
  "use strict";

  var doc = document;

  function Room(root) {
    this.root = root;
    this.mode = root.getAttribute("data-mode");
    this.remotes = root.querySelector("[data-video-remotes]");
    this.waiting = root.querySelector("[data-video-waiting]");
    this.waitingText = root.querySelector("[data-video-waiting-text]");
    this.local = root.querySelector("[data-video-local]");
    this.status = root.querySelector("[data-video-status]");
    this.join = root.querySelector("[data-video-join]");
    this.mic = root.querySelector("[data-video-mic]");
    this.camera = root.querySelector("[data-video-camera]");
    this.leave = root.querySelector("[data-video-leave]");
    this.peers = {}; // peer id -> {pc, video, pending: [candidates]}
    this.stream = null;
    this.socket = null;
    this.me = "";
    this.left = false;
    var ice = doc.getElementById("video-ice-servers");
    try {
      this.iceServers = ice ? JSON.parse(ice.textContent) || [] : [];
    } catch (e) {
      this.iceServers = [];
    }
    var self = this;
    this.join.addEventListener("click", function () { self.start(); });
    this.mic.addEventListener("click", function () { self.toggle("audio"); });
    this.camera.addEventListener("click", function () { self.toggle("video"); });
    this.leave.addEventListener("click", function () { self.hangUp(); });
  }

  Room.prototype.text = function (name) {
    return this.root.getAttribute("data-text-" + name) || "";
  };

  Room.prototype.say = function (name) {
    this.status.textContent = this.text(name);
  };

  Room.prototype.refreshWaiting = function () {
    var count = this.remotes.querySelectorAll("video").length;
    this.waiting.hidden = count > 0;
    this.root.toggleAttribute("data-video-connected", count > 0);
    if (this.stream && count === 0 && !this.left) this.waitingText.textContent = this.text("waiting");
  };

  Room.prototype.start = function () {
    var self = this;
    this.root.querySelector("[data-video-denied]").hidden = true;
    this.root.querySelector("[data-video-missing]").hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.root.querySelector("[data-video-missing]").hidden = false;
      return;
    }
    this.join.disabled = true;
    this.say("connecting");
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true })
      .then(function (stream) {
        self.stream = stream;
        self.local.srcObject = stream;
        self.join.hidden = true;
        self.mic.hidden = self.camera.hidden = self.leave.hidden = false;
        self.root.setAttribute("data-video-joined", "");
        self.refreshWaiting();
        if (self.mode === "twilio") self.startTwilio();
        else self.openSocket();
      })
      .catch(function (error) {
        self.join.disabled = false;
        self.status.textContent = "";
        var denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
        self.root.querySelector(denied ? "[data-video-denied]" : "[data-video-missing]").hidden = false;
        self.root.setAttribute("data-video-error", denied ? "denied" : "missing");
      });
  };

  Room.prototype.toggle = function (kind) {
    var button = kind === "audio" ? this.mic : this.camera;
    var off = button.getAttribute("aria-pressed") !== "true";
    var tracks = this.stream ? (kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) : [];
    tracks.forEach(function (track) { track.enabled = !off; });
    if (this.twilioRoom) {
      this.twilioRoom.localParticipant[kind === "audio" ? "audioTracks" : "videoTracks"].forEach(function (pub) {
        if (off) pub.track.disable(); else pub.track.enable();
      });
    }
    button.setAttribute("aria-pressed", off ? "true" : "false");
    button.textContent = this.text(kind === "audio" ? (off ? "mic-on" : "mic-off") : (off ? "cam-on" : "cam-off"));
    if (kind === "video") this.root.toggleAttribute("data-camera-off", off);
  };

  Room.prototype.addRemote = function (id, stream) {
    var video = this.remotes.querySelector('video[data-peer="' + id + '"]');
    if (!video) {
      video = doc.createElement("video");
      video.setAttribute("data-peer", id);
      video.autoplay = true;
      video.playsInline = true;
      this.remotes.appendChild(video);
    }
    if (video.srcObject !== stream) video.srcObject = stream;
    var playing = video.play();
    if (playing && playing.catch) playing.catch(function () {});
    this.say("connected");
    this.refreshWaiting();
  };

  Room.prototype.removeRemote = function (id) {
    var video = this.remotes.querySelector('[data-peer="' + id + '"]');
    if (video) video.parentNode.removeChild(video);
    this.refreshWaiting();
  };

  // --- Peer to peer -------------------------------------------------------------

  Room.prototype.openSocket = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.root.getAttribute("data-ws-path"));
    this.socket = socket;
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      self.onEvent(event);
    });
    socket.addEventListener("close", function (closeEvent) {
      Object.keys(self.peers).forEach(function (id) { self.closePeer(id); });
      if (self.left || socket.deliberate) return;
      if (closeEvent.code === 4000) { self.end(); return; }
      if (closeEvent.code === 4403 || (closeEvent.code === 1006 && !self.me)) {
        self.say("refused");
        self.root.setAttribute("data-video-refused", "");
        return;
      }
      self.say("lost");
      self.me = ""; // a refusal on the way back in is then told as such
      window.setTimeout(function () { if (!self.left) self.openSocket(); }, 2000);
    });
  };

  Room.prototype.send = function (to, data) {
    if (this.socket && this.socket.readyState === 1) {
      this.socket.send(JSON.stringify({ type: "signal", to: to, data: data }));
    }
  };

  Room.prototype.onEvent = function (event) {
    if (event.type === "welcome") {
      this.me = event.peer;
      this.root.setAttribute("data-video-peer", event.peer);
      this.refreshWaiting();
      this.status.textContent = "";
    } else if (event.type === "peer" && event.event === "joined") {
      this.call(event.peer);
    } else if (event.type === "peer" && event.event === "left") {
      this.closePeer(event.peer);
      if (!Object.keys(this.peers).length) this.say("left");
    } else if (event.type === "signal") {
      this.onSignal(event.from, event.data);
    } else if (event.type === "ended") {
      this.end();
    }
  };

  Room.prototype.peer = function (id) {
    var self = this;
    if (this.peers[id]) return this.peers[id];
    var pc = new RTCPeerConnection({ iceServers: this.iceServers });
    var entry = { pc: pc, pending: [] };
    this.peers[id] = entry;
    this.stream.getTracks().forEach(function (track) { pc.addTrack(track, self.stream); });
    pc.addEventListener("icecandidate", function (e) {
      if (e.candidate) self.send(id, { kind: "candidate", candidate: e.candidate.toJSON() });
    });
    pc.addEventListener("track", function (e) {
      self.addRemote(id, e.streams[0] || new MediaStream([e.track]));
    });
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "failed") self.say("lost");
    });
    return entry;
  };

  // Whoever was already in the room calls the newcomer: one offer per pair, no glare.
  Room.prototype.call = function (id) {
    var self = this;
    var pc = this.peer(id).pc;
    pc.createOffer()
      .then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { self.send(id, { kind: "offer", sdp: pc.localDescription.sdp }); });
  };

  Room.prototype.onSignal = function (from, data) {
    var self = this;
    var entry = this.peer(from);
    var pc = entry.pc;
    function flush() {
      entry.pending.splice(0).forEach(function (c) { pc.addIceCandidate(c).catch(function () {}); });
    }
    if (data.kind === "offer") {
      pc.setRemoteDescription({ type: "offer", sdp: data.sdp })
        .then(function () { flush(); return pc.createAnswer(); })
        .then(function (answer) { return pc.setLocalDescription(answer); })
        .then(function () { self.send(from, { kind: "answer", sdp: pc.localDescription.sdp }); });
    } else if (data.kind === "answer") {
      pc.setRemoteDescription({ type: "answer", sdp: data.sdp }).then(flush);
    } else if (data.kind === "candidate" && data.candidate) {
      if (pc.remoteDescription) pc.addIceCandidate(data.candidate).catch(function () {});
      else entry.pending.push(data.candidate);
    }
  };

  Room.prototype.closePeer = function (id) {
    var entry = this.peers[id];
    if (entry) entry.pc.close();
    delete this.peers[id];
    this.removeRemote(id);
  };

  // --- Twilio Video -------------------------------------------------------------

  Room.prototype.startTwilio = function () {
    var self = this;
    var Video = window.Twilio && window.Twilio.Video;
    if (!Video) { this.say("lost"); return; }
    var tracks = this.stream.getTracks().map(function (track) {
      return track.kind === "audio" ? new Video.LocalAudioTrack(track) : new Video.LocalVideoTrack(track);
    });
    Video.connect(this.root.getAttribute("data-token"), { name: this.root.getAttribute("data-room"), tracks: tracks })
      .then(function (room) {
        self.twilioRoom = room;
        self.refreshWaiting();
        self.status.textContent = "";
        function attach(participant) {
          participant.on("trackSubscribed", function (track) {
            if (track.kind !== "video" && track.kind !== "audio") return;
            var stream = self.remoteStream(participant.sid);
            stream.addTrack(track.mediaStreamTrack);
            self.addRemote(participant.sid, stream);
          });
        }
        room.participants.forEach(attach);
        room.on("participantConnected", attach);
        room.on("participantDisconnected", function (participant) {
          self.removeRemote(participant.sid);
          if (!room.participants.size) self.say("left");
        });
        room.on("disconnected", function () { if (self.twilioRoom === room) self.end(); });
      })
      .catch(function () { self.say("refused"); });
  };

  Room.prototype.remoteStream = function (id) {
    this.streams = this.streams || {};
    if (!this.streams[id]) this.streams[id] = new MediaStream();
    return this.streams[id];
  };

  // --- Leaving ------------------------------------------------------------------

  Room.prototype.stopMedia = function () {
    if (this.stream) this.stream.getTracks().forEach(function (track) { track.stop(); });
    this.local.srcObject = null;
  };

  Room.prototype.hangUp = function () {
    if (this.socket) {
      this.socket.deliberate = true;
      this.socket.close(1000);
      this.socket = null;
    }
    var twilioRoom = this.twilioRoom;
    this.twilioRoom = null;
    if (twilioRoom) twilioRoom.disconnect();
    var self = this;
    Object.keys(this.peers).forEach(function (id) { self.closePeer(id); });
    this.stopMedia();
    this.mic.hidden = this.camera.hidden = this.leave.hidden = true;
    this.join.hidden = false;
    this.join.disabled = false;
    this.root.removeAttribute("data-video-joined");
    this.status.textContent = "";
    this.stream = null;
  };

  Room.prototype.end = function () {
    this.left = true;
    this.stopMedia();
    this.mic.hidden = this.camera.hidden = this.leave.hidden = this.join.hidden = true;
    this.say("ended");
    this.root.setAttribute("data-video-ended", "");
  };

  function start() {
    var rooms = doc.querySelectorAll("[data-video-room]");
    for (var i = 0; i < rooms.length; i++) new Room(rooms[i]);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();
