"""`python -m notifier.smtp_sink`: the name deploy/local/smtp-sink.sh starts (and finds its
process by); the sink itself is `notifier.adapters.smtp_sink`. Delete this once the script
runs `python -m notifier.adapters.smtp_sink`."""
from __future__ import annotations

from notifier.adapters.smtp_sink import main

if __name__ == "__main__":
    main()
