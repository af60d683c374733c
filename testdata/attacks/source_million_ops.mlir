// attack: a program of 1.5 million ops (generated)
// expect: exit=3 rule=limit.ops
GEN:million_ops