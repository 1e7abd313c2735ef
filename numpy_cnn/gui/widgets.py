"""The three views of the network's answer: the digit in large type, a bar per class, and the
28x28 picture the network was actually given.

Each view has show(prediction) and show_nothing(); they know nothing about drawing or models.
"""
import tkinter as tk

from PIL import Image, ImageTk

BACKGROUND = "#20232a"
TEXT = "#e8e8e8"
DIM_TEXT = "#9aa0aa"
BAR = "#4f8fdc"
BEST_BAR = "#f2b134"
PROMPT = "Draw a digit"


SCREEN_MARGIN = (40, 80)         # pixels of the screen left to the window's frame and a panel


def screen_size(window):
    """(width, height) of the screen the window is on, in pixels."""
    return window.winfo_screenwidth(), window.winfo_screenheight()


class Scrolling(tk.Frame):
    """A frame whose content (built in .inner) scrolls when it is larger than the screen.

    The window is as large as its content, as with a plain frame, up to the screen's size less
    SCREEN_MARGIN; beyond that it stops growing and scroll bars appear (on an 800x600 screen the
    app, 862 pixels wide, and its Inside window would otherwise be cut off with no way to see
    the rest). They go again when the content fits.
    """

    def __init__(self, parent):
        super().__init__(parent, bg=BACKGROUND)
        self.canvas = tk.Canvas(self, bg=BACKGROUND, highlightthickness=0, borderwidth=0)
        self.inner = tk.Frame(self.canvas, bg=BACKGROUND)
        self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self.bars = {"x": tk.Scrollbar(self, orient="horizontal", command=self.canvas.xview),
                     "y": tk.Scrollbar(self, orient="vertical", command=self.canvas.yview)}
        self.canvas.configure(xscrollcommand=self.bars["x"].set,
                              yscrollcommand=self.bars["y"].set)
        self.canvas.grid(row=0, column=0, sticky="nsew")
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        self.inner.bind("<Configure>", lambda event: self.fit())

    def fit(self):
        """Size the view to the content, up to the screen; show the bars that are needed."""
        width, height = self.inner.winfo_reqwidth(), self.inner.winfo_reqheight()
        screen_width, screen_height = screen_size(self)
        room = (screen_width - SCREEN_MARGIN[0], screen_height - SCREEN_MARGIN[1])
        self.canvas.configure(width=min(width, room[0]), height=min(height, room[1]),
                              scrollregion=(0, 0, width, height))
        for (axis, bar), needed, row_column in zip(self.bars.items(),
                                                   (width > room[0], height > room[1]),
                                                   ((1, 0), (0, 1))):
            if needed:
                bar.grid(row=row_column[0], column=row_column[1],
                         sticky="we" if axis == "x" else "ns")
            else:
                bar.grid_remove()


class AnswerView(tk.Frame):
    """The answer in words: a large digit, and a line saying how sure the network is."""

    def __init__(self, parent):
        super().__init__(parent, bg=BACKGROUND)
        self.digit_label = tk.Label(self, font=("Helvetica", 72, "bold"), width=2,
                                    bg=BACKGROUND, fg=TEXT)
        self.message_label = tk.Label(self, font=("Helvetica", 13), width=18,
                                      bg=BACKGROUND, fg=DIM_TEXT)
        self.digit_label.pack()
        self.message_label.pack()
        self.show_nothing()

    def show(self, prediction):
        if not prediction.is_digit:
            self.digit_label.config(text="\u2717", fg=DIM_TEXT)      # a ballot x
            self.message_label.config(text=f"Not a digit\n(closest: {prediction.digit}, "
                                           f"{prediction.confidence:.0%})")
        elif prediction.is_sure:
            self.digit_label.config(text=str(prediction.digit), fg=TEXT)
            self.message_label.config(text=f"{prediction.confidence:.0%} sure")
        else:
            other, other_p = prediction.runner_up()
            self.digit_label.config(text=f"{prediction.digit}?", fg=DIM_TEXT)
            self.message_label.config(text=f"Not sure\n{prediction.digit} "
                                           f"({prediction.confidence:.0%}) or {other} "
                                           f"({other_p:.0%})?")

    def show_nothing(self):
        self.digit_label.config(text="", fg=TEXT)
        self.message_label.config(text=PROMPT)


class ProbabilityBars(tk.Canvas):
    """One horizontal bar per digit 0-9, as long as the network's probability for it."""

    ROW, LABEL_WIDTH, BAR_LENGTH, PERCENT_WIDTH = 22, 24, 180, 48

    def __init__(self, parent):
        super().__init__(parent, width=self.LABEL_WIDTH + self.BAR_LENGTH + self.PERCENT_WIDTH,
                         height=10 * self.ROW, bg=BACKGROUND, highlightthickness=0)
        self.show_nothing()

    def show(self, prediction):
        self.delete("all")
        for digit, p in enumerate(prediction.probabilities):
            colour = BEST_BAR if digit == prediction.digit else BAR
            self._row(digit, p, colour)

    def show_nothing(self):
        self.delete("all")
        for digit in range(10):
            self._row(digit, 0.0, BAR)

    def _row(self, digit, probability, colour):
        top = digit * self.ROW
        middle = top + self.ROW / 2
        self.create_text(self.LABEL_WIDTH / 2, middle, text=str(digit), fill=TEXT,
                         font=("Helvetica", 12, "bold"))
        left = self.LABEL_WIDTH
        self.create_rectangle(left, top + 4, left + self.BAR_LENGTH, top + self.ROW - 4,
                              fill="#30343c", width=0)
        if probability > 0:
            self.create_rectangle(left, top + 4, left + probability * self.BAR_LENGTH,
                                  top + self.ROW - 4, fill=colour, width=0)
        self.create_text(left + self.BAR_LENGTH + 6, middle, anchor="w", fill=DIM_TEXT,
                         text=f"{probability:.0%}" if probability > 0 else "",
                         font=("Helvetica", 10))


class NetworkInputView(tk.Frame):
    """The 28x28 picture the network was given, enlarged so each of its pixels is visible."""

    def __init__(self, parent, zoom=5):
        super().__init__(parent, bg=BACKGROUND)
        self.size = 28 * zoom
        tk.Label(self, text="What the network sees (28x28)", bg=BACKGROUND, fg=DIM_TEXT,
                 font=("Helvetica", 11)).pack()
        # Tk shows the image only while Python holds a reference to it: keep it in self.photo
        self.photo = ImageTk.PhotoImage("RGB", (self.size, self.size))   # RGB: see show_image
        tk.Label(self, image=self.photo, bg="black", borderwidth=0).pack(pady=4)
        self.show_nothing()

    def show(self, prediction):
        pixels = (prediction.network_input * 255).round().astype("uint8")
        self.show_image(Image.fromarray(pixels))

    def show_nothing(self):
        self.show_image(Image.new("L", (28, 28), 0))

    def show_image(self, image):
        """Show a 28x28 PIL image, grey or in colour (the heatmap of gui.looks lies over it)."""
        self.photo.paste(image.resize((self.size, self.size), Image.Resampling.NEAREST))
