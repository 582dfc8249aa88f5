# The profile the replay fixtures were recorded under (record.sh), in complain mode so that
# every request is logged ALLOWED; the replay test adds it to a copy of the profile folder.
include <tunables/global>

profile replay /opt/replay/prog flags=(complain) {
  include <abstractions/base>

  /opt/replay/prog mr,
  /opt/replay/kid cx,

  ^known {
    /opt/replay/prog mr,
  }
}
