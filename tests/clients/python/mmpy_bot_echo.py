"""An unmodified mmpy-bot 2.2.1 bot against Roost: it answers ``ping <word>`` with
``pong <word>`` in the message's thread and reacts to it, until it is stopped.

Run in its own virtualenv (.venv-clients/mmpybot) by tests/clients/test_mmpy_bot.py,
with ROOST_URL, ROOST_BOT_TOKEN and ROOST_TEAM set.
"""

from __future__ import annotations

import os

from mmpy_bot import Bot, Message, Plugin, Settings, listen_to


class Ping(Plugin):
    @listen_to(r"^ping (\w+)$")
    async def ping(self, message: Message, word: str) -> None:
        self.driver.reply_to(message, f"pong {word}")
        self.driver.react_to(message, "white_check_mark")


def main() -> None:
    scheme, _, rest = os.environ["ROOST_URL"].partition("://")
    host, _, port = rest.partition(":")
    bot = Bot(
        settings=Settings(
            MATTERMOST_URL=f"{scheme}://{host}",
            MATTERMOST_PORT=int(port),
            BOT_TOKEN=os.environ["ROOST_BOT_TOKEN"],
            BOT_TEAM=os.environ["ROOST_TEAM"],
            SSL_VERIFY=False,
        ),
        plugins=[Ping()],
    )
    print("ROOST-BOT-STARTING", flush=True)
    bot.run()


if __name__ == "__main__":
    main()
