"""The drawing, kept as strokes and painted into a PIL image as it is drawn.

The network reads this image, not the screen: no screen capture, no PostScript. The Tk canvas
shows the same strokes (see gui.app); both draw round-capped lines of the same width along
the same points, so what you see is what the network gets.
"""
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

INK, PAPER = 255, 0     # white ink on black paper, like MNIST


@dataclass
class Stroke:
    """One press-drag-release of the pen: its width and the points it passed through."""
    width: int
    points: list = field(default_factory=list)    # [(x, y), ...] in canvas pixels


class Drawing:
    """Strokes on a square canvas, and the same strokes as a grey PIL image.

    Usage:
        drawing = Drawing(size=280)
        drawing.begin_stroke(100, 50, width=20)
        drawing.extend_stroke(100, 230)          # once per mouse motion
        drawing.image                            # PIL "L" image (280, 280), white on black
        drawing.undo(); drawing.clear()
    """

    def __init__(self, size=280):
        self.size = size
        self.strokes = []
        self.image = Image.new("L", (size, size), PAPER)
        self._pen = ImageDraw.Draw(self.image)

    @property
    def is_empty(self):
        return not self.strokes

    def begin_stroke(self, x, y, width):
        """Put the pen down at (x, y): a new stroke that starts as a round dot."""
        self.strokes.append(Stroke(width, [(x, y)]))
        paint_dot(self._pen, (x, y), width)

    def extend_stroke(self, x, y):
        """Move the pen to (x, y): a line from the last point of the current stroke."""
        stroke = self.strokes[-1]
        paint_segment(self._pen, stroke.points[-1], (x, y), stroke.width)
        stroke.points.append((x, y))

    def undo(self):
        """Remove the last stroke (if any) and paint the others again."""
        if self.strokes:
            self.strokes.pop()
            self.repaint()

    def clear(self):
        """Remove every stroke."""
        self.strokes.clear()
        self.repaint()

    def repaint(self):
        """Paint the image again from the strokes alone."""
        self._pen.rectangle((0, 0, self.size, self.size), fill=PAPER)
        for stroke in self.strokes:
            paint_stroke(self._pen, stroke)


def paint_dot(pen, centre, width):
    """A filled disc of diameter `width` at centre (x, y): a round pen tip."""
    x, y = centre
    r = width / 2
    pen.ellipse((x - r, y - r, x + r, y + r), fill=INK)


def paint_segment(pen, start, end, width):
    """A straight line from start to end, with a disc at the end so that lines join smoothly."""
    pen.line((start, end), fill=INK, width=width)
    paint_dot(pen, end, width)


def paint_stroke(pen, stroke):
    """A whole stroke: a dot at its first point, then one segment per following point."""
    paint_dot(pen, stroke.points[0], stroke.width)
    for start, end in zip(stroke.points, stroke.points[1:]):
        paint_segment(pen, start, end, stroke.width)
