#!/bin/sh
# Fetched and run by the test guest at boot when its kernel command line has seed=URL, the way an
# installer fetches a preseed or kickstart file. It makes SSH usable and leaves a mark in the image.
set -e
echo "root:rv-quickstart-pw" | chpasswd
date -u +%Y-%m-%dT%H:%M:%SZ > /etc/ruddervirt-seeded
echo "seed: root password set"
