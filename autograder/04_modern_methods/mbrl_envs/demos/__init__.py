"""Demo and plotting helpers of the notebooks, one module per notebook.

Students call them in one line (``from mbrl_envs.demos.dyna import planning_steps_demo``) and
read the code that matters, their own, in the notebook. Like all of ``mbrl_envs`` these modules
import only numpy, matplotlib, gymnasium and their relative siblings, and never contain a graded
answer: the demos take the student's classes as arguments.
"""
