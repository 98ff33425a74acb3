#!/bin/sh
# gcov for lcov (geninfo --gcov-tool), without the branches that only a
# C++ exception takes. The project compiles its C with -fexceptions, so
# every call has a "throw" edge that no C test can take.
#
# lcov has the option for it (geninfo_no_exception_branch), but Debian 12's
# geninfo (lcov 1.16-1) defines its JSON reader twice, and the second copy,
# the one Perl keeps, ignores the option. This wrapper drops the edges from
# gcov's JSON output (its "throw" field) before geninfo reads them.
gcov "$@" || exit
for json in *.gcov.json.gz; do
	[ -e "$json" ] || continue
	gzip -dc "$json" | perl -MJSON::PP -0777 -ne '
		my $data = decode_json($_);
		for my $file (@{ $data->{files} }) {
			for my $line (@{ $file->{lines} }) {
				$line->{branches} =
				    [ grep { !$_->{throw} } @{ $line->{branches} } ];
			}
		}
		print encode_json($data);
	' | gzip >"$json.nothrow" && mv "$json.nothrow" "$json" || exit
done
