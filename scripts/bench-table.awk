# bench-table.awk - the paper's table from the BENCH/BSTAT lines of one
# guest boot (tests/vm/guest-lib.sh bench_configs).
#
# Input:  "BENCH CFG NAME NS" per configuration, benchmark and round, in
#         round order; "BSTAT CFG KEY VALUE" after each translated run.
# Output: a table on stdout: per benchmark the median ns/op per
#         configuration and, for the translated ones, the median of the
#         per-round ratios to native with their range; the geometric mean
#         of those ratios per configuration; the medians of the BSTAT
#         figures.  With -v csv=FILE and -v json=FILE, the same in CSV and
#         JSON.  -v title=TEXT heads the table.
# Owns: the arithmetic of the comparison.  Must never: judge a figure.

function median(arr, n,    i, j, t, v) {
	for (i = 1; i <= n; i++)
		v[i] = arr[i]
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

function range(arr, n, which,    i, r) {
	r = arr[1]
	for (i = 2; i <= n; i++)
		if ((which == "min" && arr[i] < r) || (which == "max" && arr[i] > r))
			r = arr[i]
	return r
}

function add_name(list, seen, x) {
	if (!(x in seen)) {
		seen[x] = ++list[0]
		list[list[0]] = x
	}
}

$1 == "BENCH" && NF == 4 {
	add_name(cfgs, cseen, $2)
	add_name(names, nseen, $3)
	n = ++count[$2, $3]
	ns[$2, $3, n] = $4
}

$1 == "BSTAT" && NF == 4 {
	add_name(stat_keys, kseen, $3)
	n = ++scount[$2, $3]
	st[$2, $3, n] = $4
}

END {
	if (!cfgs[0]) {
		print "bench-table: no BENCH lines" > "/dev/stderr"
		exit 1
	}
	printf "== %s\n", title
	printf "%-13s", "benchmark"
	for (c = 1; c <= cfgs[0]; c++)
		printf " %26s", cfgs[c] (cfgs[c] == "native" ? " ns" : " ns, ratio")
	printf "\n"
	if (csv)
		print "benchmark,config,rounds,median_ns,min_ns,max_ns,ratio_median,ratio_min,ratio_max" > csv
	for (b = 1; b <= names[0]; b++) {
		name = names[b]
		printf "%-13s", name
		for (c = 1; c <= cfgs[0]; c++) {
			cfg = cfgs[c]
			n = count[cfg, name]
			delete v
			delete r
			for (i = 1; i <= n; i++) {
				v[i] = ns[cfg, name, i]
				r[i] = ns["native", name, i] > 0 ? v[i] / ns["native", name, i] : 0
			}
			med = n ? median(v, n) : 0
			cell_ns[cfg, name] = med
			if (cfg == "native" || !n) {
				printf " %26.0f", med
				rm = rlo = rhi = 1
			} else {
				rm = median(r, n); rlo = range(r, n, "min"); rhi = range(r, n, "max")
				printf " %9.0f %5.2fx [%4.2f-%4.2f]", med, rm, rlo, rhi
				if (rm > 0) { logsum[cfg] += log(rm); nlog[cfg]++ }
			}
			ratio[cfg, name] = rm; rmin[cfg, name] = rlo; rmax[cfg, name] = rhi
			if (csv)
				printf "%s,%s,%d,%.0f,%.0f,%.0f,%.4f,%.4f,%.4f\n", name, cfg, n,
				       med, n ? range(v, n, "min") : 0,
				       n ? range(v, n, "max") : 0, rm, rlo, rhi > csv
		}
		printf "\n"
	}
	printf "%-13s", "geomean"
	for (c = 1; c <= cfgs[0]; c++) {
		cfg = cfgs[c]
		gm[cfg] = nlog[cfg] ? exp(logsum[cfg] / nlog[cfg]) : 1
		if (cfg == "native")
			printf " %26s", "1.00x"
		else
			printf " %16.2fx %8s", gm[cfg], ""
	}
	printf "\n"
	for (k = 1; k <= stat_keys[0]; k++) {
		key = stat_keys[k]
		printf "%-13s", substr(key, 1, 13)
		for (c = 1; c <= cfgs[0]; c++) {
			cfg = cfgs[c]
			n = scount[cfg, key]
			delete v
			for (i = 1; i <= n; i++)
				v[i] = st[cfg, key, i]
			smed[cfg, key] = n ? median(v, n) : ""
			printf " %26s", n ? smed[cfg, key] : "-"
		}
		printf "\n"
	}
	if (json) {
		printf "{\n  \"title\": \"%s\",\n  \"configs\": [", title > json
		for (c = 1; c <= cfgs[0]; c++)
			printf "%s\"%s\"", (c > 1 ? ", " : ""), cfgs[c] > json
		printf "],\n  \"benchmarks\": {\n" > json
		for (b = 1; b <= names[0]; b++) {
			name = names[b]
			printf "    \"%s\": {", name > json
			for (c = 1; c <= cfgs[0]; c++) {
				cfg = cfgs[c]
				printf "%s\"%s\": {\"median_ns\": %.0f, \"ratio\": %.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f}",
				       (c > 1 ? ", " : ""), cfg, cell_ns[cfg, name],
				       ratio[cfg, name], rmin[cfg, name], rmax[cfg, name] > json
			}
			printf "}%s\n", (b < names[0] ? "," : "") > json
		}
		printf "  },\n  \"geomean\": {" > json
		for (c = 1; c <= cfgs[0]; c++)
			printf "%s\"%s\": %.4f", (c > 1 ? ", " : ""), cfgs[c], gm[cfgs[c]] > json
		printf "},\n  \"figures\": {" > json
		for (c = 1; c <= cfgs[0]; c++) {
			cfg = cfgs[c]
			printf "%s\"%s\": {", (c > 1 ? ", " : ""), cfg > json
			sep = ""
			for (k = 1; k <= stat_keys[0]; k++) {
				key = stat_keys[k]
				if (smed[cfg, key] == "")
					continue
				printf "%s\"%s\": %s", sep, key, smed[cfg, key] > json
				sep = ", "
			}
			printf "}" > json
		}
		printf "}\n}\n" > json
	}
}
