import numpy as np
import pytest

from numpy_cnn.im2col import col2im, im2col, output_size


@pytest.mark.parametrize("size,k,s,p,expected", [(28, 3, 1, 0, 26), (7, 3, 2, 1, 4), (5, 5, 1, 0, 1),
                                                   (11, 2, 2, 0, 5)])
def test_output_size(size, k, s, p, expected):
    assert output_size(size, k, s, p) == expected


def test_output_size_rejects_window_larger_than_input():
    with pytest.raises(ValueError, match="does not fit"):
        output_size(2, 3)


def test_im2col_rows_are_windows(rng):
    x = rng.standard_normal((2, 5, 6, 3))
    cols = im2col(x, 3, 2, stride=2, pad=1)
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    ho, wo = output_size(5, 3, 2, 1), output_size(6, 2, 2, 1)
    assert cols.shape == (2 * ho * wo, 3 * 2 * 3)
    for n in range(2):
        for i in range(ho):
            for j in range(wo):
                window = xp[n, 2 * i:2 * i + 3, 2 * j:2 * j + 2, :]
                np.testing.assert_array_equal(cols[n * ho * wo + i * wo + j], window.ravel())


@pytest.mark.parametrize("shape,kh,kw,s,p", [((2, 5, 6, 3), 3, 2, 2, 1), ((1, 7, 4, 2), 3, 3, 1, 0),
                                              ((3, 6, 6, 1), 2, 2, 2, 0)])
def test_col2im_is_the_adjoint_of_im2col(rng, shape, kh, kw, s, p):
    """<im2col(x), c> == <x, col2im(c)> for all x, c: the defining property of the backward pass."""
    x = rng.standard_normal(shape)
    cols = im2col(x, kh, kw, s, p)
    c = rng.standard_normal(cols.shape)
    n, ho, wo = shape[0], output_size(shape[1], kh, s, p), output_size(shape[2], kw, s, p)
    c_windows = c.reshape(n, ho, wo, kh, kw, shape[3])
    dx = col2im(lambda a, b: c_windows[:, :, :, a, b, :], shape, kh, kw, s, p)
    assert dx.shape == shape
    assert np.sum(cols * c) == pytest.approx(np.sum(x * dx), rel=1e-12)
