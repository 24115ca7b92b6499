"""SQL for the tenant directory, usage, export, and the bulk work of moves (copying a
tenant's rows) and deletion (purging them table by table).
"""
