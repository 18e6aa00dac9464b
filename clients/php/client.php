<?php
/*
 * predis with 'cluster' => 'redis' under test (the seed's PHP app): the writer's workload, one JSON
 * line per operation, in failover-lab's client line protocol (docs/CLIENTS.md). Configuration from
 * FAILOVERLAB_* environment variables; on stdout a "hello" line with the library and its settings,
 * then one "op" line per INCR (start and end in epoch ms, outcome, reply or error). Synchronous, as
 * PHP apps are: one command at a time, paced to FAILOVERLAB_RATE. Debian's php-nrk-predis (1.1).
 */
require 'Predis/Autoloader.php';
Predis\Autoloader::register();

// The library's own settings, per configuration, as the report prints them.
$configs = [
    // What predis's README gives for a Redis Cluster: the seeds and 'cluster' => 'redis'.
    'default' => ['options' => ['cluster' => 'redis'], 'parameters' => []],
    // A dead or frozen node fails fast instead of after predis's 5 s connect timeout and an
    // unbounded read (measured: docs/CLIENTS.md). Given for the seeds and, as the client's default
    // parameters, for every node it learns from the slot map: without the latter those connections
    // have neither timeout (a call blocked on a frozen master for the whole freeze, measured).
    'tuned' => ['options' => ['cluster' => 'redis'],
                'parameters' => ['timeout' => 0.25, 'read_write_timeout' => 0.25]],
];

function emit(array $record): void {
    if (@fwrite(STDOUT, json_encode($record, JSON_UNESCAPED_SLASHES) . "\n") === false) {
        exit(0); // the harness is gone: nobody is measuring any more
    }
    fflush(STDOUT);
}

// The harness keeps our stdin open; its end (the harness stopped or died) is our end.
function harness_gone(): bool {
    $read = [STDIN];
    $none = [];
    return @stream_select($read, $none, $none, 0) > 0 && fread(STDIN, 8192) === '' && feof(STDIN);
}

function now_ms(): float {
    return microtime(true) * 1000.0;
}

$seeds = array_values(array_filter(explode(',', getenv('FAILOVERLAB_SEEDS') ?: '')));
$keys = array_values(array_filter(explode(',', getenv('FAILOVERLAB_KEYS') ?: '')));
$rate = (float) (getenv('FAILOVERLAB_RATE') ?: '200');
$config = getenv('FAILOVERLAB_CONFIG') ?: 'default';
if (!isset($configs[$config])) {
    fwrite(STDERR, "unknown FAILOVERLAB_CONFIG '$config' (expected " . implode(', ', array_keys($configs)) . ")\n");
    exit(2);
}
$parameters = $configs[$config]['parameters'];
$options = $configs[$config]['options'];
$password = getenv('FAILOVERLAB_PASSWORD');
if ($password !== false && $password !== '') {
    $parameters['password'] = $password;
}
// predis's default connection parameters: those of the nodes it discovers.
if ($parameters) {
    $options['parameters'] = $parameters;
}
$nodes = array_map(fn ($seed) => array_merge(['host' => explode(':', $seed)[0], 'port' => (int) explode(':', $seed)[1]], $parameters), $seeds);
$client = new Predis\Client($nodes, $options);
emit(['type' => 'hello', 'client' => 'predis', 'version' => Predis\Client::VERSION, 'config' => $config,
      'settings' => (object) array_merge($configs[$config]['options'], $configs[$config]['parameters'])]);

$interval = $rate > 0 ? 1000.0 / $rate : 0.0;
$next = now_ms();
$lastBeat = now_ms();
for ($index = 0; ; $index++) {
    $wait = $next - now_ms();
    if ($wait > 0) {
        usleep((int) ($wait * 1000));
    }
    // Behind schedule (a slow call): start at once, but never burst to catch up.
    $next = max($next + $interval, now_ms());
    $key = $keys[$index % count($keys)];
    $start = now_ms();
    try {
        $value = $client->incr($key);
        emit(['type' => 'op', 'key' => $key, 'start' => $start, 'end' => now_ms(), 'ok' => true, 'value' => $value]);
    } catch (Throwable $error) {
        emit(['type' => 'op', 'key' => $key, 'start' => $start, 'end' => now_ms(), 'ok' => false,
              'error' => $error->getMessage() !== '' ? $error->getMessage() : get_class($error),
              'errorClass' => get_class($error)]);
    }
    // One thread: the beat says "alive" between calls (a call blocked on a frozen node is silent).
    if (now_ms() - $lastBeat >= 1000) {
        $lastBeat = now_ms();
        emit(['type' => 'beat', 't' => $lastBeat]);
    }
    // Checked between every two calls, so no INCR starts once the harness has stopped us.
    if (harness_gone()) {
        exit(0);
    }
}
