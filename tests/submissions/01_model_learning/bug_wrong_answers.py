"""Bug: plausible wrong conceptual answers (episodes instead of steps, Hoeffding rounded down,
one wrong true/false statement, 'counts are numerically unstable'); q2_1 given as a count."""

q1_1 = "c"
q1_2 = 40
q2_1 = 5
q3_2 = 737
q3_3 = "TTFT"
q4_1 = "a"
