"""The window of the user's saved digits: review them, delete the wrong ones.

    +--------------------------------------------------------------+
    | 15 digits in ~/.local/share/numpy-cnn/my_digits  [Delete (2)] |
    | 0  [img] [img]                                                |
    |    0      6                  <- how the app's network reads it |
    | 1  [img] ...                                                  |
    +--------------------------------------------------------------+

One row per digit (scrolling when there are many), one small picture per saved drawing, and
under it what the network the app is using reads in it now (red when that is not the digit it
was saved as: after a Teach, most turn white). Click pictures to select them (a white frame);
Delete removes their files. The app's counts follow (on_change).
"""
import sys
import tkinter as tk

from PIL import Image, ImageOps, ImageTk

from numpy_cnn.__main__ import open_image
from numpy_cnn.digit_folder import digit_files

from .panels import note
from .widgets import BACKGROUND, DIM_TEXT, TEXT

TITLE = "numpy-cnn: your digits"
THUMBNAIL = 48                 # pixels of a drawing's picture
PER_LINE = 10                  # pictures per line of a row
WRONG = "#ff8060"
SELECTED, UNSELECTED = "white", BACKGROUND
MAX_HEIGHT = 560               # the window scrolls beyond this


class ReviewWindow(tk.Toplevel):
    """Inputs: parent -- the app's root; folder -- the digits' folder;
    predictor -- the app's (predict(image) -> Prediction); on_change -- called after a delete;
    on_close -- called once the window has closed.

    cells: {path: (frame, reading label)} of the pictures shown; selected: the paths selected.
    """

    def __init__(self, parent, folder, predictor, on_change=None, on_close=None):
        super().__init__(parent, bg=BACKGROUND, padx=10, pady=10)
        self.title(TITLE)
        self.folder, self.predictor = folder, predictor
        self.on_change, self.on_close = on_change, on_close
        self.cells, self.selected, self.photos = {}, set(), []
        top = tk.Frame(self, bg=BACKGROUND)
        self.heading = tk.Label(top, bg=BACKGROUND, fg=TEXT, anchor="w")
        self.delete_button = tk.Button(top, text="Delete", command=self.delete_selected)
        self.heading.pack(side="left", fill="x", expand=True)
        self.delete_button.pack(side="right")
        top.pack(fill="x")
        self.problem = tk.Label(self, text="", fg=WRONG, bg=BACKGROUND, anchor="w",
                                justify="left", wraplength=PER_LINE * (THUMBNAIL + 8))
        note(self, "Under each drawing: what the network reads in it now (red: not the digit "
                   "saved). Click drawings to select them.", width=PER_LINE * (THUMBNAIL + 8)
             ).pack(anchor="w", pady=(2, 6))
        self.canvas = tk.Canvas(self, bg=BACKGROUND, highlightthickness=0)
        scrollbar = tk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=scrollbar.set)
        self.inner = tk.Frame(self.canvas, bg=BACKGROUND)
        self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self.canvas.pack(side="left", fill="both", expand=True)
        scrollbar.pack(side="right", fill="y")
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.refresh()

    def refresh(self):
        """Show the folder as it is now, read by the predictor as it is now."""
        for child in self.inner.winfo_children():
            child.destroy()
        self.cells, self.photos = {}, []
        files = digit_files(self.folder)
        self.selected &= {path for path, _ in files}
        for digit in range(10):
            mine = [path for path, d in files if d == digit]
            tk.Label(self.inner, text=str(digit), fg=TEXT, bg=BACKGROUND,
                     font=("Helvetica", 16, "bold")).grid(row=digit, column=0, sticky="nw",
                                                          padx=(0, 8))
            row = tk.Frame(self.inner, bg=BACKGROUND)
            row.grid(row=digit, column=1, sticky="w", pady=(0, 6))
            if not mine:
                tk.Label(row, text="none yet", fg=DIM_TEXT, bg=BACKGROUND).pack(anchor="w")
            for i, path in enumerate(mine):
                self._cell(row, path, digit).grid(row=i // PER_LINE, column=i % PER_LINE,
                                                  padx=2, pady=2)
        self.heading.config(text=f"{len(files)} digits in {self.folder}")
        self._update_delete()
        self.update_idletasks()
        width, height = self.inner.winfo_reqwidth(), self.inner.winfo_reqheight()
        self.canvas.configure(width=width, height=min(height, MAX_HEIGHT),
                              scrollregion=(0, 0, width, height))

    def _cell(self, parent, path, digit):
        """One saved drawing: its picture and what the network reads in it."""
        frame = tk.Frame(parent, bg=UNSELECTED, padx=2, pady=2, cursor="hand2")
        try:
            with open_image(path) as image:       # too large: a ValueError, as for predict
                image.load()
            reading = self.predictor.predict(image)
            text = str(reading.digit) if reading.is_digit else "not a digit"
            colour = TEXT if reading.is_digit and reading.digit == digit else WRONG
            thumbnail = ImageOps.contain(image.convert("L"), (THUMBNAIL, THUMBNAIL))
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            # EmptyImageError is a ValueError: one bad file never hides the others
            text, colour = "unreadable", WRONG
            thumbnail = Image.new("L", (THUMBNAIL, THUMBNAIL), 60)
            print(f"gui: {path}: {error}", file=sys.stderr)
        photo = ImageTk.PhotoImage(thumbnail)
        self.photos.append(photo)       # Tk shows an image only while Python holds it
        picture = tk.Label(frame, image=photo, bg="black", borderwidth=0)
        label = tk.Label(frame, text=text, fg=colour, bg=BACKGROUND, font=("Helvetica", 9))
        picture.pack()
        label.pack(fill="x")
        for widget in (frame, picture, label):
            widget.bind("<Button-1>", lambda event, p=path: self.toggle(p))
        self.cells[path] = (frame, label)
        if path in self.selected:
            frame.config(bg=SELECTED)
        return frame

    def toggle(self, path):
        """Select or unselect one drawing."""
        self.selected ^= {path}
        self.cells[path][0].config(bg=SELECTED if path in self.selected else UNSELECTED)
        self._update_delete()

    def _update_delete(self):
        n = len(self.selected)
        self.delete_button.config(text=f"Delete ({n})" if n else "Delete",
                                  state="normal" if n else "disabled")

    def delete_selected(self):
        """Remove the files of the selected drawings; those that cannot be removed are said in
        the window (and stay selected)."""
        failed = []
        self.say("")
        for path in sorted(self.selected):
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                failed.append((path, error))
        self.selected = {path for path, _ in failed}
        self.refresh()
        if failed:
            self.say(f"Could not delete {len(failed)} of them: {failed[0][1].strerror} "
                     f"({failed[0][0]}). They are kept.")
        if self.on_change:
            self.on_change()

    def say(self, text):
        """A line under the heading: what went wrong (an empty text hides it)."""
        self.problem.config(text=text)
        if text:
            self.problem.pack(anchor="w", fill="x", after=self.heading.master)
        else:
            self.problem.pack_forget()

    def close(self):
        self.destroy()
        if self.on_close:
            self.on_close()
