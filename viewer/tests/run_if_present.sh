#!/bin/sh
# run_if_present.sh FILE COMMAND [ARGS...]: runs COMMAND when FILE exists;
# otherwise says so and exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE). For tests on data outside the repository.
file=$1
shift
if [ ! -f "$file" ]; then
  echo "skipped: $file is absent"
  exit 77
fi
exec "$@"
