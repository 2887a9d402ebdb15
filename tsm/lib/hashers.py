"""Password hashing: Argon2id at OWASP's recommended configuration.

Django's Argon2PasswordHasher asks for 100 MiB and 8 lanes per hash, about
0.34 s of CPU per login on a two-core server: thirty people signing in at
nine o'clock hold both cores for five seconds and every page waits. The
OWASP Password Storage Cheat Sheet's Argon2id configuration — 19 MiB, two
passes, one lane — costs about 0.05 s here and is what it recommends as the
minimum against GPU guessing. Same algorithm name: hashes made with Django's
parameters still verify and are rehashed with these at the next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
