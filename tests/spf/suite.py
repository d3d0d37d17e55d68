#!/usr/bin/env python3
"""suite.py: runs an SPF test suite in the OpenSPF YAML format (RFC 7208
suite, or our own tests/spf/cases.yml) through the production path.

  suite.py SUITE.yml WORKDIR BUILD [--only ID,ID] [--list-failures FILE]

Must run inside the private network namespace of tests/spf-suite.test:
127.0.0.1:53 is tests/dnsdelay (holding back the TIMEOUT names), in front of
one knotd on 127.0.0.1:5300 serving the scenario's zonedata as one root zone
(reloaded per scenario). Each test is one run of the real spp-spf binary
(c-ares, our DNS layer, libspf2) with TCPREMOTEIP/SMTPMAILFROM/SMTPHELOHOST
set, SPFBEHAVIOR=3 and spfexp "DEFAULT" (the suite's default explanation).
Prints one line per failed test and a summary "passed N of M"; writes the
failed ids to --list-failures. Exit 0 when it ran (the caller compares).
"""
import os
import subprocess
import sys
import time

import yaml

TIMEOUT_S = 2        # SPFTIMEOUT for each evaluation
HOLD_MS = 30000      # dnsdelay holds TIMEOUT answers far beyond it
TYPES = {'A': 1, 'NS': 2, 'CNAME': 5, 'PTR': 12, 'MX': 15, 'TXT': 16, 'AAAA': 28, 'SPF': 99}


def label_ok(name):
    labels = name.rstrip('.').split('.')
    return all(0 < len(l.encode()) <= 63 for l in labels) and len(name) <= 253


def esc_name(name):
    out = []
    for label in name.rstrip('.').split('.'):
        s = ''
        for b in label.encode('utf-8'):
            c = chr(b)
            s += c if (c.isascii() and (c.isalnum() or c in '-_')) else '\\%03d' % b
        out.append(s)
    return '.'.join(out) + '.'


def esc_text(value):
    if isinstance(value, list):
        parts = value if value else ['']
    else:
        parts = [value]
    out = []
    for p in parts:
        data = p.encode('utf-8') if isinstance(p, str) else bytes(p)
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b'']
        for chunk in chunks:
            s = ''
            for b in chunk:
                c = chr(b)
                s += c if (32 <= b < 127 and c not in '"\\') else '\\%03d' % b
            out.append('"%s"' % s)
    return ' '.join(out)


def zone_for(zonedata, serial):
    lines = ['$TTL 60',
             '. 60 IN SOA ns.spp-test. hostmaster.spp-test. %d 60 60 600 60' % serial,
             '. 60 IN NS ns.spp-test.',
             'ns.spp-test. 60 IN A 127.0.0.1',
             'spp-probe. 60 IN TXT "%d"' % serial]
    timeouts = []
    for name, rrs in (zonedata or {}).items():
        name = str(name)
        if not label_ok(name):
            continue
        owner = esc_name(name)
        has_txt = any(isinstance(r, dict) and 'TXT' in r for r in rrs)
        types = set()
        timeout = False
        for rr in rrs:
            if rr == 'TIMEOUT':
                timeout = True
                continue
            (typ, value), = rr.items()
            if value == 'NONE':
                continue
            if typ in ('SPF', 'TXT'):
                lines.append('%s 60 IN %s %s' % (owner, typ, esc_text(value)))
                types.add(TYPES[typ])
                if typ == 'SPF' and not has_txt:
                    lines.append('%s 60 IN TXT %s' % (owner, esc_text(value)))
                    types.add(16)
            elif typ == 'MX':
                prio, host = value
                lines.append('%s 60 IN MX %d %s' % (owner, prio, esc_name(str(host))))
                types.add(15)
            elif typ in ('PTR', 'CNAME'):
                lines.append('%s 60 IN %s %s' % (owner, typ, esc_name(str(value))))
                types.add(TYPES[typ])
            elif typ in ('A', 'AAAA'):
                lines.append('%s 60 IN %s %s' % (owner, typ, value))
                types.add(TYPES[typ])
        if timeout:
            spec = '=' + name.rstrip('.').lower()
            if types:
                spec += '/' + ','.join(str(t) for t in sorted(types))
            timeouts.append(spec)
    return '\n'.join(lines) + '\n', timeouts


def wait_for(build, serial):
    for _ in range(300):
        out = subprocess.run([build + '/tests/dnsq', '-t', '300', 'txt', 'spp-probe'],
                             capture_output=True, text=True).stdout
        if out.startswith('found ' + str(serial)):
            return True
        time.sleep(0.1)
    return False


def main():
    args = sys.argv[1:]
    suite, work, build = args[:3]
    only = None
    failures_file = None
    i = 3
    while i < len(args):
        if args[i] == '--only':
            only = set(args[i + 1].split(','))
        elif args[i] == '--list-failures':
            failures_file = args[i + 1]
        i += 2
    with open(suite, 'rb') as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    os.makedirs(work + '/zones', exist_ok=True)
    os.makedirs(work + '/db', exist_ok=True)
    os.makedirs(work + '/run', exist_ok=True)
    home = work + '/home'
    os.makedirs(home + '/control', exist_ok=True)
    with open(home + '/control/spfexp', 'w') as f:
        f.write('DEFAULT\n')
    conf = work + '/knot.conf'
    with open(conf, 'w') as f:
        f.write('server:\n  listen: 127.0.0.1@5300\n  rundir: %s/run\n'
                'database:\n  storage: %s/db\n'
                'template:\n  - id: default\n    storage: %s/zones\n    semantic-checks: off\n'
                '    journal-content: none\n    zonefile-sync: -1\n    zonefile-load: whole\n'
                'zone:\n  - domain: .\n    file: root.zone\n' % (work, work, work))
    zone, _ = zone_for({}, 1)
    with open(work + '/zones/root.zone', 'w') as f:
        f.write(zone)
    knot = subprocess.Popen(['knotd', '-c', conf], stdout=open(work + '/knot.log', 'w'), stderr=subprocess.STDOUT)
    delay = subprocess.Popen([build + '/tests/dnsdelay', '127.0.0.1', '53', '127.0.0.1', '5300', '0',
                              '=spp-nothing.invalid'])
    if not wait_for(build, 1):
        print('FAIL: knotd did not come up')
        print(open(work + '/knot.log').read()[-2000:])
        sys.exit(1)
    total = passed = 0
    failed = []
    try:
        serial = 1
        for doc in docs:
            tests = {k: v for k, v in doc['tests'].items() if only is None or k in only}
            if not tests:
                continue
            serial += 1
            t_start = time.time()
            zone, timeouts = zone_for(doc.get('zonedata'), serial)
            with open(work + '/zones/root.zone', 'w') as f:
                f.write(zone)
            if delay:
                delay.terminate()
                delay.wait()
            delay = subprocess.Popen([build + '/tests/dnsdelay', '127.0.0.1', '53', '127.0.0.1', '5300',
                                      str(HOLD_MS)] + (timeouts or ['=spp-nothing.invalid']))
            subprocess.run(['knotc', '-c', conf, 'zone-reload', '.'], capture_output=True)
            t_reload = time.time()
            if not wait_for(build, serial):
                print('FAIL scenario %r: knot did not load its zone' % doc.get('description'))
                print(open(work + '/knot.log').read()[-2000:])
                sys.exit(1)
            t0 = time.time()
            if os.environ.get('SPF_SUITE_TIMES'):
                print('  (zone load %.1f s, setup %.1f s)' % (t0 - t_reload, t0 - t_start))
            for tid, t in tests.items():
                t1 = time.time()
                total += 1
                want = t['result'] if isinstance(t['result'], list) else [t['result']]
                env = {'PATH': '/usr/bin:/bin', 'QMAILDIR': home, 'SPFBEHAVIOR': '3',
                       'SPFTIMEOUT': str(TIMEOUT_S), 'TCPREMOTEIP': str(t['host']),
                       'SMTPMAILFROM': str(t.get('mailfrom') or ''), 'SMTPHELOHOST': str(t.get('helo') or '')}
                r = subprocess.run([build + '/bin/spp-spf'], env=env, capture_output=True)
                out = r.stdout.decode('utf-8', 'replace')
                result, text = None, None
                for line in out.splitlines():
                    if line.startswith('SSPP_SPF='):
                        result = line[len('SSPP_SPF='):].split(' ', 1)[0]
                    if line.startswith('SSPP_SPF_TEXT='):
                        text = line[len('SSPP_SPF_TEXT='):]
                ok = r.returncode == 0 and result in want
                why = 'result %s, expected %s' % (result, '/'.join(want))
                if ok and 'explanation' in t and result == 'fail' and text != t['explanation']:
                    ok = False
                    why = 'explanation %r, expected %r' % (text, t['explanation'])
                if os.environ.get('SPF_SUITE_TIMES') and time.time() - t1 > 0.5:
                    print('  (%s took %.1f s)' % (tid, time.time() - t1))
                if ok:
                    passed += 1
                else:
                    failed.append(tid)
                    print('  %s: %s' % (tid, why))
    finally:
        if delay:
            delay.terminate()
        knot.terminate()
        knot.wait()
        if os.environ.get('SPF_SUITE_TIMES'):
            print('  (tests %.1f s)' % (time.time() - t0))
    print('passed %d of %d' % (passed, total))
    if failures_file:
        with open(failures_file, 'w') as f:
            f.write(''.join(x + '\n' for x in sorted(failed)))


if __name__ == '__main__':
    main()
