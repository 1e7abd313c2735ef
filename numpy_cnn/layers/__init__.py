"""The building blocks of the network, one small file each."""
from .activations import ReLU
from .base import Layer
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .flatten import Flatten
from .pool import MaxPool2D

__all__ = ["Layer", "Conv2D", "MaxPool2D", "Dense", "Dropout", "ReLU", "Flatten"]
