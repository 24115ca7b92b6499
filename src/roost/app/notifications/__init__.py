"""Email and mobile push notifications (issue 21), Mattermost's rules and contracts.

How a post becomes notifications:

1. The node that wrote the post hears its ``posted`` event (origin only) and buffers
   it; a task writes the buffer as outbox rows of kind ``post`` (``decide.PostJobs``).
   The post's request never waits for any of this.
2. Every node's outbox worker (``outbox.Outbox``) claims due rows with ``FOR UPDATE
   SKIP LOCKED`` (PostgreSQL; SQLite has one writer) and a lease. A ``post`` row is
   decided (``rules``: mentions, direct and group messages, followed threads, account
   and channel levels, mute, status, do-not-disturb) into one row per push (per
   device), email or digest item, written in the transaction that deletes the job.
3. Pushes go to the push proxy (``push``, Mattermost's ``/api/v1/send_push``; the JSON in
   ``push_messages``), emails through SMTP (``mail``; the texts in ``emails``). A
   failure is retried with exponential backoff and kept as ``failed`` after the last
   attempt; the proxy's ``REMOVE`` forgets the device.
4. Digest items wait for the user's interval (``email_interval`` preference); the first
   due one takes all of that user's items (the state change is the claim) into one email.
5. Reading a channel (``multiple_channels_viewed``, origin only) queues a ``clear`` push
   with the new badge to each of the user's devices.

Account emails (password reset, verification, team invitations) are in
``account_emails``; guest invitations, whose links sign up a guest into chosen channels,
in ``guest_invites``.

``service.Notifications`` holds it together (and answers ``POST /notifications/ack``
and ``POST /email/test``). Settings: ``roost.config.notifications``.
"""
