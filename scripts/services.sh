#!/usr/bin/env bash
# Starts NATS (JetStream), Redis and InfluxDB on loopback, reusing any that already listens.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_debs nats-server nats-server redis-server redis-server influxd influxdb

if port_open 4222; then
  log "NATS: reusing the server on 127.0.0.1:4222"
else
  log "NATS: starting with JetStream, data in .polis/data/nats"
  setsid nohup nats-server -a 127.0.0.1 -p 4222 -js -sd "$POLIS_STATE/data/nats" \
    -l "$POLIS_STATE/logs/nats.log" >/dev/null 2>&1 &
  wait_port 4222 NATS
fi

if port_open 6379; then
  log "Redis: reusing the server on 127.0.0.1:6379"
else
  log "Redis: starting, data in .polis/data/redis"
  mkdir -p "$POLIS_STATE/data/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$POLIS_STATE/data/redis" \
    --appendonly yes --logfile "$POLIS_STATE/logs/redis.log" >/dev/null
  wait_port 6379 Redis
fi

if port_open 8086; then
  log "InfluxDB: reusing the server on 127.0.0.1:8086"
else
  log "InfluxDB: starting, data in .polis/data/influxdb"
  mkdir -p "$POLIS_STATE/data/influxdb"
  render_influx_conf "$POLIS_STATE/data/influxdb" 8086 8088 "$POLIS_STATE/influxdb.conf"
  setsid nohup influxd -config "$POLIS_STATE/influxdb.conf" >"$POLIS_STATE/logs/influxdb.log" 2>&1 &
  wait_port 8086 InfluxDB 150
fi
