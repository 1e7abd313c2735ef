"""The build-it-yourself course: write a CNN's parts in plain NumPy, checked as you go.

    numpy-cnn course start DIR              a student's copy: the exercises with their answers blank
    numpy-cnn course start DIR --solutions  the teacher's copy, answered
    numpy-cnn course check DIR [EXERCISE]   one line per exercise: done, wrong: ..., not started

One source for both copies: the answered files in exercises/ (copies.py blanks each block between
"# BEGIN SOLUTION" and "# END SOLUTION"). checks.py grades them against numpy_cnn.reference,
numpy_cnn.losses and numpy_cnn.optim, with float64 central differences (numpy_cnn.gradcheck);
grade.py runs one check in a subprocess, so an endless loop is stopped and an error is one line.
See docs/course.md, the student's guide.
"""
from collections import namedtuple

Exercise = namedtuple("Exercise", "name file minutes title")

# In the order a student does them: each file imports only earlier ones. minutes: an estimate for
# a student who knows NumPy (see docs/course.md).
EXERCISES = [
    Exercise("relu", "ex01_relu.py", 10, "ReLU forward and backward"),
    Exercise("dense", "ex02_dense.py", 20, "Dense forward and backward"),
    Exercise("softmax", "ex03_softmax_cross_entropy.py", 30, "softmax cross-entropy and its gradient"),
    Exercise("im2col", "ex04_im2col.py", 45, "every window as a row"),
    Exercise("col2im", "ex05_col2im.py", 30, "im2col's transpose"),
    Exercise("conv_forward", "ex06_conv_forward.py", 20, "Conv2D forward, stride and padding"),
    Exercise("conv_backward", "ex07_conv_backward.py", 30, "Conv2D backward"),
    Exercise("pool_forward", "ex08_pool_forward.py", 15, "MaxPool2D forward"),
    Exercise("pool_backward", "ex09_pool_backward.py", 40, "MaxPool2D backward, ties"),
    Exercise("adam", "ex10_adam.py", 20, "one Adam step"),
    Exercise("train", "ex11_train.py", 45, "your network, one epoch on MNIST"),
]
BY_NAME = {e.name: e for e in EXERCISES}
