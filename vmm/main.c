// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the plugvm command line. The only place that prints usage or
 * calls exit().
 */
#include "config.h"

#include "accel.h"
#include "kvm-host.h"
#include "log.h"
#include "machine.h"
#include "plugin.h"
#include "settings.h"
#include "vm.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define EXIT_CONFIG 1

struct options {
	const char *machine;
	const char *accel; /* NULL: the machine file decides */
	uint64_t timeout_ms;
	const char *plugin_path;
	bool list_devices;
	bool stats;
	int verbosity; /* -v count */
	const char *describe;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: plugvm [OPTIONS] MACHINE.ini\n"
		"Run the virtual machine MACHINE.ini describes.\n"
		"\n"
		"  -a, --accel=ACCEL       auto, kvm or tcg (overrides [machine] accel)\n"
		"  -t, --timeout=SECONDS   stop the guest after SECONDS (exit status 124)\n"
		"  -v, --verbose           more diagnostics on stderr (twice: debug);\n"
		"                          implies --stats\n"
		"      --stats             exit counts and host time per device and\n"
		"                          exit kind, and guest against plugvm time\n"
		"      --plugin-path=DIRS  colon-separated directories searched first for\n"
		"                          device plugins (then $PLUGVM_PLUGIN_PATH, then\n"
		"                          %s)\n"
		"      --list-devices      list the device plugins found and exit\n"
		"      --describe=TYPE     show a device type's settings and exit\n"
		"  -h, --help              show this help and exit\n"
		"      --version           show the version and exit\n"
		"\n"
		"Guest output goes to stdout, plugvm's own messages to stderr.\n"
		"Exit status: 0 guest halted; N the guest's exit-device status; 1 bad\n"
		"machine file or plugin; 2 bad usage; 3 guest fault; 124 timeout;\n"
		"130 SIGINT/SIGTERM.\n",
		PLUGVM_PLUGINDIR);
}

/* Seconds, possibly fractional ("0.5"), to milliseconds. */
static int parse_timeout(const char *s, uint64_t *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e9)
		return -EINVAL;
	*ms = (uint64_t)(v * 1000.0 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_PLUGIN_PATH = 256, OPT_LIST, OPT_DESCRIBE, OPT_VERSION,
	       OPT_STATS };
	static const struct option longopts[] = {
		{ "accel", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "plugin-path", required_argument, NULL, OPT_PLUGIN_PATH },
		{ "list-devices", no_argument, NULL, OPT_LIST },
		{ "describe", required_argument, NULL, OPT_DESCRIBE },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "a:t:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") &&
			    strcmp(optarg, "tcg")) {
				fprintf(stderr, "plugvm: --accel must be auto, kvm or tcg, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->accel = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &o->timeout_ms)) {
				fprintf(stderr, "plugvm: --timeout needs a positive number of seconds, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'v':
			o->verbosity++;
			break;
		case OPT_PLUGIN_PATH:
			o->plugin_path = optarg;
			break;
		case OPT_LIST:
			o->list_devices = true;
			break;
		case OPT_DESCRIBE:
			o->describe = optarg;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case OPT_VERSION:
			printf("plugvm %s (plugin ABI %d, API %d)\n",
			       PACKAGE_VERSION, PLUGVM_ABI_VERSION,
			       PLUGVM_API_VERSION);
			return 1;
		default:
			fprintf(stderr, "Try 'plugvm --help'.\n");
			return -EINVAL;
		}
	}
	if (o->list_devices || o->describe) {
		if (optind != argc) {
			fprintf(stderr, "plugvm: --list-devices and --describe take no machine file\n");
			return -EINVAL;
		}
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "plugvm: %s\nTry 'plugvm --help'.\n",
			optind == argc ? "no machine file given"
				       : "more than one machine file given");
		return -EINVAL;
	}
	o->machine = argv[optind];
	return 0;
}

static void list_one(const char *type, const char *path,
		     const struct vmm_plugin *p, int err, void *arg)
{
	int *count = arg;

	if (p)
		printf("%-12s %s\n%-12s   %s\n", type, p->desc->description ?
			p->desc->description : "", "", path);
	else
		printf("%-12s (cannot be loaded: %s)\n%-12s   %s\n", type,
		       strerror(-err), "", path);
	(*count)++;
}

static int list_devices(const struct vmm_plugin_path *pp)
{
	int count = 0;

	if (vmm_plugin_foreach(pp, list_one, &count))
		return EXIT_FAILURE;
	if (count == 0) {
		fprintf(stderr, "plugvm: no device plugins found in:\n");
		for (size_t i = 0; i < pp->n; i++)
			fprintf(stderr, "  %s\n", pp->dirs[i]);
	}
	return EXIT_SUCCESS;
}

static int describe(const struct vmm_plugin_path *pp, const char *type)
{
	const struct plugvm_setting *s;
	struct vmm_plugin *p;

	if (vmm_plugin_load(pp, type, &p))
		return EXIT_CONFIG;
	printf("%s - %s\n", p->desc->name,
	       p->desc->description ? p->desc->description : "");
	printf("  plugin %s (ABI %u, needs API %u)%s\n", p->path,
	       p->desc->abi_version, p->desc->min_api_version,
	       p->desc->flags & PLUGVM_PLUGIN_THREAD_SAFE ? ", thread-safe"
							   : "");
	printf("\n  [device \"ID\"]\n  type = %s\n", p->desc->name);
	for (s = p->desc->settings; s && s->name; s++) {
		printf("  %s = <%s>", s->name, vmm_setting_type_name(s->type));
		if (s->def)
			printf("  (default: %s)", *s->def ? s->def : "\"\"");
		else
			printf("  (required)");
		printf("\n      %s\n", s->help ? s->help : "");
		if (s->type == PLUGVM_SETTING_ENUM) {
			printf("      one of:");
			for (const char *const *c = s->choices; *c; c++)
				printf(" %s", *c);
			printf("\n");
		}
		if ((s->type == PLUGVM_SETTING_U64 ||
		     s->type == PLUGVM_SETTING_SIZE) &&
		    (s->min || s->max))
			printf("      range: %" PRIu64 " to %" PRIu64 " (0x%" PRIx64
			       " to 0x%" PRIx64 ")\n",
			       s->min, s->max, s->min, s->max);
	}
	vmm_plugin_close(p);
	return EXIT_SUCCESS;
}

/* Pick the accelerator: the command line, else the file; auto prefers kvm. */
static const struct vmm_accel_ops *choose_accel(const struct options *o,
						 const struct vmm_config *cfg)
{
	enum vmm_accel_kind kind = cfg->accel;
	const char *why = NULL;
	char because[320];

	if (o->accel)
		kind = !strcmp(o->accel, "kvm")	  ? VMM_ACCEL_KVM
		       : !strcmp(o->accel, "tcg") ? VMM_ACCEL_TCG
						  : VMM_ACCEL_AUTO;
	switch (kind) {
	case VMM_ACCEL_KVM:
		if (vmm_accel_kvm.probe(&why)) {
			if (o->accel)
				vmm_err("accel kvm is not available: %s", why);
			else
				vmm_origin_error(&cfg->at.accel,
						 "accel kvm is not available: %s (accel = auto falls back to tcg)",
						 why);
			return NULL;
		}
		if (vmm_kvm_host_detect(&why) == VMM_KVM_HOST_EMULATED)
			vmm_warn("accel kvm: %s; a guest may stop with \"KVM could not emulate an instruction\" (accel = auto would use tcg here)",
				 why);
		vmm_info("accel: kvm (asked for)");
		return &vmm_accel_kvm;
	case VMM_ACCEL_TCG:
		if (vmm_accel_tcg.probe(&why)) {
			vmm_err("accel tcg is not available: %s", why);
			return NULL;
		}
		vmm_info("accel: tcg (asked for)");
		return &vmm_accel_tcg;
	case VMM_ACCEL_AUTO:
	default:
		if (vmm_accel_kvm.probe(&why)) {
			snprintf(because, sizeof(because),
				 "kvm is not available: %s", why);
		} else if (vmm_kvm_host_detect(&why) != VMM_KVM_HOST_EMULATED) {
			vmm_info("accel: kvm (auto: /dev/kvm is usable; %s)",
				 why);
			return &vmm_accel_kvm;
		} else {
			/* A KVM that only emulates runs guests a thousand
			 * times slower than tcg and fails on SSE: tcg wins. */
			snprintf(because, sizeof(because), "%s", why);
		}
		if (vmm_accel_tcg.probe(&why)) {
			vmm_err("no accelerator is available: %s", why);
			return NULL;
		}
		vmm_info("accel: tcg (auto: %s)", because);
		return &vmm_accel_tcg;
	}
}

static int run_machine(const struct options *o, const struct vmm_plugin_path *pp)
{
	const struct vmm_accel_ops *accel;
	struct vmm_config *cfg;
	enum vmm_stop_reason why;
	struct vmm_vm *vm;
	uint64_t t0;
	sigset_t sigs;
	int status;

	/*
	 * SIGINT and SIGTERM stay blocked from here on, in every thread
	 * (plugins' threads inherit the mask): vmm_vm_run() takes them from a
	 * signalfd and shuts down cleanly, destroying devices and flushing
	 * output. Left unblocked anywhere, one would kill the process.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if (vmm_config_load(o->machine, &cfg))
		return EXIT_CONFIG;
	accel = choose_accel(o, cfg);
	if (!accel) {
		vmm_config_free(cfg);
		return EXIT_CONFIG;
	}
	if (vmm_vm_create(cfg, accel, pp, &vm)) {
		vmm_config_free(cfg);
		return EXIT_CONFIG;
	}
	vm->collect_stats = o->stats || o->verbosity >= 1;
	t0 = vmm_now_ns();
	why = vmm_vm_run(vm, o->timeout_ms);
	status = vmm_vm_exit_status(vm, why);
	if (vm->collect_stats)
		vmm_vm_print_stats(vm, vmm_now_ns() - t0);
	vmm_vm_destroy(vm);
	vmm_config_free(cfg);
	return status;
}

int main(int argc, char **argv)
{
	struct vmm_plugin_path pp;
	struct options o;
	int ret;

	ret = parse_options(argc, argv, &o);
	if (ret)
		exit(ret > 0 ? EXIT_SUCCESS : EXIT_USAGE);
	vmm_log_to_stderr(o.verbosity);
	if (vmm_plugin_path_init(&pp, o.plugin_path)) {
		fprintf(stderr, "plugvm: out of memory\n");
		exit(EXIT_FAILURE);
	}
	if (o.list_devices)
		ret = list_devices(&pp);
	else if (o.describe)
		ret = describe(&pp, o.describe);
	else
		ret = run_machine(&o, &pp);
	vmm_plugin_path_free(&pp);
	fflush(stdout);
	exit(ret);
}
