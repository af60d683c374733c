// attack: a source file larger than --max-source (generated)
// expect: exit=3 rule=limit.source_bytes
// flags: --max-source 1MiB
GEN:big_source