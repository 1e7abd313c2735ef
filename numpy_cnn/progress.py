"""Training progress people can read.

On a terminal, a bar redrawn in place while an epoch runs:

    epoch 2/5 [=========>..............]  350/860 batches  loss 0.0712  acc 97.81%  1,650 img/s  ETA 0:25

then replaced by the epoch's one-line summary. When the output is a file or a pipe (a log, a CI
job), only the summary lines are written, one per epoch, with no control characters; with
`every` seconds given, the bar's line too, as a plain line that often (the app reads it).
"""
import sys
import time

REFRESH_SECONDS = 0.1   # redraw the bar at most this often
BAR_WIDTH = 24


def format_duration(seconds):
    """Inputs: seconds (float). Returns: "m:ss", or "h:mm:ss" from one hour on."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_loss(loss):
    """A loss for people: 0.0712 as "0.0712"; a huge one (a run going wrong) as "1.234e+30"."""
    return f"{loss:.4f}" if abs(loss) < 1e4 else f"{loss:.4g}"


def epoch_line(record, epochs):
    """The summary of one epoch, from its history record (a dict, see numpy_cnn.train)."""
    val = (f"  val loss {format_loss(record['val_loss'])} acc {record['val_accuracy']:.2%}"
           if record["val_loss"] is not None else "")
    return (f"epoch {record['epoch']}/{epochs}  lr {record['lr']:.2e}  train loss "
            f"{format_loss(record['train_loss'])} acc {record['train_accuracy']:.2%}{val}  test "
            f"loss {format_loss(record['test_loss'])} acc {record['test_accuracy']:.2%}  "
            f"{record['seconds']:.1f} s")


class EpochProgress:
    """Running loss and accuracy of one epoch, shown as a live bar on a terminal.

    Usage:
        progress = EpochProgress(epoch=1, epochs=5, batches=860)   # every=2.0: a line every 2 s
        progress.update(images=64, loss=0.31, correct=58)    # after every batch
        progress.finish("epoch 1/5  ...")                    # the epoch's summary line
    """

    def __init__(self, epoch, epochs, batches, stream=None, every=None):
        self.stream = sys.stdout if stream is None else stream
        self.live = self.stream.isatty()
        self.every = every          # seconds between plain progress lines off a terminal
        self.epoch, self.epochs, self.batches = epoch, epochs, batches
        self.batches_done = self.images = self.correct = 0
        self.loss_sum = 0.0
        self.started = self.last_drawn = time.perf_counter()

    @property
    def loss(self):
        """Mean training loss over the images seen so far in this epoch."""
        return self.loss_sum / max(self.images, 1)

    @property
    def accuracy(self):
        """Fraction of this epoch's training images classified correctly (as they were seen)."""
        return self.correct / max(self.images, 1)

    @property
    def seconds(self):
        return time.perf_counter() - self.started

    def update(self, images, loss, correct):
        """Add one batch: its size, its mean loss and its number of right answers."""
        self.batches_done += 1
        self.images += images
        self.loss_sum += loss * images
        self.correct += correct
        now = time.perf_counter()
        if self.live and (now - self.last_drawn >= REFRESH_SECONDS or self.batches_done == self.batches):
            self.last_drawn = now
            self._write("\r" + self.bar() + "\033[K")   # \033[K clears the rest of the line
        elif not self.live and self.every is not None and now - self.last_drawn >= self.every:
            self.last_drawn = now
            self._write(self.bar() + "\n")

    def bar(self):
        """The live line: bar, batches done, loss, accuracy, speed and time left."""
        fraction = self.batches_done / max(self.batches, 1)
        filled = int(fraction * BAR_WIDTH)
        arrow = "=" * filled + (">" if filled < BAR_WIDTH else "")
        speed = self.images / max(self.seconds, 1e-9)
        eta = self.seconds * (1 - fraction) / max(fraction, 1e-9)
        width = len(str(self.batches))
        return (f"epoch {self.epoch}/{self.epochs} [{arrow:.<{BAR_WIDTH}}] "
                f"{self.batches_done:>{width}}/{self.batches} batches  loss {format_loss(self.loss)}  "
                f"acc {self.accuracy:.2%}  {speed:,.0f} img/s  ETA {format_duration(eta)}")

    def note(self, text):
        """Show what happens after the last batch (e.g. the evaluation) at the end of the bar."""
        if self.live:
            self._write("\r" + self.bar() + "  " + text + "\033[K")

    def finish(self, summary):
        """Replace the bar (on a terminal) by the epoch's summary line."""
        self._write(("\r" if self.live else "") + summary + ("\033[K" if self.live else "") + "\n")

    def abandon(self):
        """End the bar's line, so that a message printed next (interrupt, error) starts afresh."""
        if self.live and self.batches_done:
            self._write("\n")

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()
