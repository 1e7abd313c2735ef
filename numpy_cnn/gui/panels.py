"""Widgets that show arrays as pictures, for the "Inside" and "Watch it learn" windows.

- Picture: a label showing one RGB array (and remembering which, for the tests).
- MapGrid: a titled grid of feature maps (or filters); click one to select it.
The colours and the grid layout are numpy_cnn.pictures'; these only put them on screen.
"""
import tkinter as tk

import numpy as np
from PIL import Image, ImageTk

from numpy_cnn import pictures

from .widgets import BACKGROUND, DIM_TEXT, TEXT

GAP = 3                         # screen pixels between two maps of a grid
SELECTED_RGB = (255, 255, 255)  # the frame around the selected map
TITLE_FONT = ("Helvetica", 11, "bold")
NOTE_FONT = ("Helvetica", 9)


def title(parent, text):
    """A bold caption above a picture."""
    return tk.Label(parent, text=text, font=TITLE_FONT, bg=BACKGROUND, fg=TEXT, anchor="w",
                    justify="left")


def note(parent, text, width=None):
    """A small grey line of explanation (wrapped at `width` pixels if given)."""
    return tk.Label(parent, text=text, font=NOTE_FONT, bg=BACKGROUND, fg=DIM_TEXT, anchor="w",
                    justify="left", wraplength=width or 0)


class Picture(tk.Label):
    """Shows an RGB array (H, W, 3) uint8, pixel for pixel.

    `shown` is the array on screen: what the tests compare with what the network computed.
    """

    def __init__(self, parent, **options):
        super().__init__(parent, bg=BACKGROUND, borderwidth=0, highlightthickness=0,
                         **options)
        self.photo = None        # Tk shows an image only while Python holds a reference to it
        self.shown = None

    def show(self, rgb):
        self.shown = rgb
        image = Image.fromarray(rgb)
        if self.photo is not None and (self.photo.width(), self.photo.height()) == image.size:
            self.photo.paste(image)                  # same size: no new Tk image
        else:
            self.photo = ImageTk.PhotoImage(image)
            self.config(image=self.photo)

    def clear(self, width, height):
        """A blank picture of the given size (before there is anything to show)."""
        self.show(np.full((height, width, 3), pictures.BACKGROUND_RGB, np.uint8))


class MapGrid(tk.Frame):
    """A titled grid of maps (H, W, C): map c in row c // columns, column c % columns.

    Inputs:
    - columns, zoom: maps per row, screen pixels per number; gap: screen pixels between maps
    - on_click: called with the index of the map clicked (None: not clickable)

    show(values, colours) draws it; `values` keeps the array shown, `selected` the index
    framed in white (select(index), or None).
    """

    def __init__(self, parent, shape, columns, zoom, on_click=None, gap=GAP):
        super().__init__(parent, bg=BACKGROUND)
        self.shape, self.columns, self.zoom, self.gap = tuple(shape), columns, zoom, gap
        self.values, self.selected = None, None
        self.heading = title(self, "")
        self.picture = Picture(self, cursor="hand2" if on_click else "")
        self.heading.pack(anchor="w")
        self.picture.pack(anchor="w", pady=(2, 0))
        if on_click:
            self.picture.bind("<Button-1>", lambda event: self._clicked(event, on_click))
        h, w, count = self.shape
        rows = -(-count // columns)
        self.picture.clear(columns * (w * zoom + gap) + gap, rows * (h * zoom + gap) + gap)

    def show(self, values, colours):
        """values: (H, W, C) the maps; colours: the same as (H, W, C, 3) uint8."""
        self.values = values
        g = self.gap
        grid = np.empty((self.picture.shown.shape), np.uint8)   # the grid, with a border of g
        grid[...] = pictures.BACKGROUND_RGB                      # (room for the frame)
        grid[g:-g, g:-g] = pictures.mosaic(colours, self.columns, self.zoom, g)
        if self.selected is not None:
            self._frame(grid, self.selected)
        self.picture.show(grid)

    def select(self, index):
        self.selected = index

    def _cell(self, index):
        """(top, left) of map `index` in the bordered grid."""
        h, w, _ = self.shape
        row, column = divmod(index, self.columns)
        return (self.gap + row * (h * self.zoom + self.gap),
                self.gap + column * (w * self.zoom + self.gap))

    def _frame(self, grid, index):
        """Draw a frame 2 pixels wide, in the gap, around map `index`."""
        h, w, _ = self.shape
        top, left = (c - 2 for c in self._cell(index))
        bottom, right = top + h * self.zoom + 4, left + w * self.zoom + 4
        grid[top:bottom, left:left + 2] = grid[top:bottom, right - 2:right] = SELECTED_RGB
        grid[top:top + 2, left:right] = grid[bottom - 2:bottom, left:right] = SELECTED_RGB

    def _clicked(self, event, on_click):
        index = pictures.cell_at(event.x - self.gap, event.y - self.gap, self.shape,
                                 self.columns, self.zoom, self.gap)
        if index is not None:
            on_click(index)

    def centre_of(self, index):
        """Where map `index` is on the screen: (x, y) of its centre, for clicking it."""
        h, w, _ = self.shape
        top, left = self._cell(index)
        return (self.picture.winfo_rootx() + left + w * self.zoom // 2,
                self.picture.winfo_rooty() + top + h * self.zoom // 2)
