"""The router's Lua scripts, one per file, each with a KEYS/ARGV header.

Code that several scripts share is written once, in a prelude file
(``queue.lua``, ``requeue.lua``) that takes its keys as parameters; each
script's ``-- Preludes:`` header line says which ones :mod:`routing.scripts`
puts in front of it. Every key a script touches comes in its ``KEYS``.
"""
