"""The counter's life-cycle actions in the window (supplement, refusal, extension, stop,
control slip, register), over :mod:`workstation.lifecycle`."""
