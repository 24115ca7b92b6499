"""SQL for ``file_infos``: uploads, attaching them to posts, orphans."""
