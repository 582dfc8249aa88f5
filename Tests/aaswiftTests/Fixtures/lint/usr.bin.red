abi <abi/3.0>,
include <tunables/global>
profile red /usr/bin/red {
  include <abstractions/base>
  include if exists <local/usr.bin.red>
  /etc/ld.so.cache r,
  /srv/data/** r,
  /srv/data/file r,  # covered by the line above
  /srv/x rw,
  /srv/x rw,
  include <abstractions/base>
}
